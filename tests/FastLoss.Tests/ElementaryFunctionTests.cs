using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FastLoss.Kernels;
using FastLoss.Simd;
using Xunit;
using Xunit.Abstractions;

namespace FastLoss.Tests;

/// <summary>
/// The library's own exp, expm1, log, log1p and the logistic pieces: error in ulps against double (for float)
/// or against Math.Exp, Math.Log and a compensated series for expm1 (for double) over millions of inputs across the whole range, special values, and
/// identical lanes on every path.
/// </summary>
public class ElementaryFunctionTests(ITestOutputHelper output)
{
    // Documented bounds (VMath's summary): measured maxima are printed by the tests.
    private const double FloatUlps = 2, DoubleUlps = 2;

    private delegate TVec Function<TVec>(TVec x);

    // string.GetHashCode is randomised per process: the seed must not be.
    private static int StableSeed(string name)
    {
        int seed = 17;
        foreach (char c in name)
        {
            seed = seed * 31 + c;
        }
        return seed & 0x7fffffff;
    }

    private static float Apply(Func<W128<float>, W128<float>> f, float x) => f(new W128<float>(Vector128.Create(x))).V.ToScalar();
    private static double Apply(Func<W128<double>, W128<double>> f, double x) => f(new W128<double>(Vector128.Create(x))).V.ToScalar();

    private static double UlpsFloat(float got, double exact)
    {
        if (double.IsNaN(exact))
        {
            return float.IsNaN(got) ? 0 : double.PositiveInfinity;
        }
        float rounded = (float)exact;
        if (float.IsInfinity(rounded) || float.IsInfinity(got))
        {
            return got == rounded ? 0 : double.PositiveInfinity;
        }
        // An ulp of the correctly rounded result (at least the subnormal spacing).
        double ulp = Math.Max(MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded), float.Epsilon);
        return Math.Abs(got - exact) / ulp;
    }

    private static double UlpsDouble(double got, double reference)
    {
        if (double.IsNaN(reference))
        {
            return double.IsNaN(got) ? 0 : double.PositiveInfinity;
        }
        if (double.IsInfinity(reference) || double.IsInfinity(got))
        {
            return got == reference ? 0 : double.PositiveInfinity;
        }
        double ulp = Math.Max(Math.BitIncrement(Math.Abs(reference)) - Math.Abs(reference), double.Epsilon);
        return Math.Abs(got - reference) / ulp;
    }

    private double MaxError(string name, Func<W128<float>, W128<float>> f, Func<double, double> exact, float lo, float hi, int samples, bool logUniform = false)
    {
        Random rng = new(StableSeed(name));
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < samples; i++)
        {
            float x = logUniform
                ? (float)(Math.Sign(lo + hi) * Math.Exp(Math.Log(Math.Abs(lo)) + rng.NextDouble() * (Math.Log(Math.Abs(hi)) - Math.Log(Math.Abs(lo)))))
                : (float)(lo + rng.NextDouble() * ((double)hi - lo));
            double e = UlpsFloat(Apply(f, x), exact(x));
            if (e > worst)
            {
                (worst, worstAt) = (e, x);
            }
        }
        output.WriteLine($"{name} float [{lo}, {hi}]: max {worst:F3} ulp at {worstAt:R}");
        return worst;
    }

    private double MaxError(string name, Func<W128<double>, W128<double>> f, Func<double, double> reference, double lo, double hi, int samples, bool logUniform = false)
    {
        Random rng = new(StableSeed(name));
        double worst = 0, worstAt = 0;
        for (int i = 0; i < samples; i++)
        {
            double x = logUniform
                ? Math.Sign(lo + hi) * Math.Exp(Math.Log(Math.Abs(lo)) + rng.NextDouble() * (Math.Log(Math.Abs(hi)) - Math.Log(Math.Abs(lo))))
                : lo + rng.NextDouble() * (hi - lo);
            double e = UlpsDouble(Apply(f, x), reference(x));
            if (e > worst)
            {
                (worst, worstAt) = (e, x);
            }
        }
        output.WriteLine($"{name} double [{lo}, {hi}]: max {worst:F3} ulp (against Math.Exp, Math.Log and a compensated series for expm1) at {worstAt:R}");
        return worst;
    }

    private static W128<float> ExpF(W128<float> x) => VMath.Exp<W128<float>, float>(x);
    private static W128<float> Expm1F(W128<float> x) => VMath.Expm1<W128<float>, float>(x);
    private static W128<float> LogF(W128<float> x) => VMath.Log<W128<float>, float>(x);
    private static W128<float> Log1pF(W128<float> x) => VMath.Log1p<W128<float>, float>(x);
    private static W128<float> ExpSoftmaxF(W128<float> x) => VMath.ExpSoftmax<W128<float>, float>(x);
    private static W128<float> Log1pUnitF(W128<float> x)
    {
        W128<float> u = x + W128<float>.CreateConstant(1.0);
        return VMath.Log1pUnit<W128<float>, float>(x, u, W128<float>.CreateConstant(1.0) / u);
    }
    private static W128<double> ExpD(W128<double> x) => VMath.Exp<W128<double>, double>(x);
    private static W128<double> Expm1D(W128<double> x) => VMath.Expm1<W128<double>, double>(x);
    private static W128<double> LogD(W128<double> x) => VMath.Log<W128<double>, double>(x);
    private static W128<double> Log1pD(W128<double> x) => VMath.Log1p<W128<double>, double>(x);

    [Fact]
    public void SoftmaxExponentialIsZeroBelowTheNormalRangeAndAtMinusInfinity()
    {
        // Exactly 0 from where 2^k leaves the normal range down to −∞: a masked lane (−∞) adds nothing to a row.
        foreach (float x in new[] { float.NegativeInfinity, -float.MaxValue, -1e4f, -104f, -88.5f, -88f, -87.7f })
        {
            Assert.Equal(0f, ExpSoftmaxF(new(Vector128.Create(x))).V.ToScalar());
        }
        foreach (double x in new[] { double.NegativeInfinity, -double.MaxValue, -1e4, -746, -709.5, -709, -708.75 })
        {
            Assert.Equal(0.0, VMath.ExpSoftmax<W128<double>, double>(new(Vector128.Create(x))).V.ToScalar());
        }
        // Just above, e^x itself (one rounding: −87.5 is subnormal, −87.3 normal).
        foreach (float x in new[] { -87.5f, -87.3f, -87f, -50f, -1f, 0f })
        {
            float got = ExpSoftmaxF(new(Vector128.Create(x))).V.ToScalar();
            Assert.True(Math.Abs(got - Math.Exp(x)) <= 1.1 * Math.Max(Math.Exp(x) * 6e-8, 1.4e-45 / 2), $"e^{x}: {got:R}");
        }
        Assert.True(float.IsNaN(ExpSoftmaxF(new(Vector128.Create(float.NaN))).V.ToScalar()));
        Assert.True(double.IsNaN(VMath.ExpSoftmax<W128<double>, double>(new(Vector128.Create(double.NaN))).V.ToScalar()));
    }

    [Fact]
    public void FloatFunctionsAreWithinTheirBoundsAcrossTheirRange()
    {
        const int N = 1_000_000;
        double worst = Math.Max(MaxError("exp", ExpF, Math.Exp, -103.9f, 88.7f, N), MaxError("exp small", ExpF, Math.Exp, -1e-3f, 1e-3f, N / 4));
        worst = Math.Max(worst, MaxError("expm1", Expm1F, x => Math.Exp(x) - 1, -20f, 40f, N));
        worst = Math.Max(worst, MaxError("expm1 tiny", Expm1F, x => Math.Exp(x) - 1 == 0 ? x : (Math.Abs(x) < 1e-5 ? x + x * x / 2 : Math.Exp(x) - 1), 1e-30f, 1e-3f, N / 4, logUniform: true));
        worst = Math.Max(worst, MaxError("log", LogF, Math.Log, 1e-37f, 3e38f, N, logUniform: true));
        worst = Math.Max(worst, MaxError("log subnormal", LogF, Math.Log, 1.4e-45f, 1.1e-38f, N / 4, logUniform: true));
        worst = Math.Max(worst, MaxError("log near 1", LogF, Math.Log, 0.5f, 2f, N));
        worst = Math.Max(worst, MaxError("log1p", Log1pF, x => Math.Log(1 + (double)x), -0.999f, 1e6f, N));
        worst = Math.Max(worst, MaxError("log1p tiny", Log1pF, x => x - (double)x * x / 2, 1e-30f, 1e-6f, N / 4, logUniform: true));
        worst = Math.Max(worst, MaxError("exp softmax", ExpSoftmaxF, Math.Exp, -87f, 0f, N));
        worst = Math.Max(worst, MaxError("log1p on [0, 1]", Log1pUnitF, x => Math.Log(1 + (double)x), 0f, 1f, N));
        worst = Math.Max(worst, MaxError("log1p on [0, 1] tiny", Log1pUnitF, x => x - (double)x * x / 2, 1e-38f, 1e-6f, N / 4, logUniform: true));
        Assert.True(worst <= FloatUlps, $"max error {worst:F3} ulp");
    }

    [Fact]
    public void DoubleFunctionsAgreeWithTheCLibraryWithinTheirBounds()
    {
        const int N = 1_000_000;
        double worst = MaxError("exp", ExpD, Math.Exp, -745, 709.7, N);
        worst = Math.Max(worst, MaxError("expm1", Expm1D, Expm1Series, -1, 1, N / 2));
        worst = Math.Max(worst, MaxError("log", LogD, Math.Log, 1e-300, 1e300, N, logUniform: true));
        worst = Math.Max(worst, MaxError("log subnormal", LogD, Math.Log, 4.9e-324, 2.2e-308, N / 4, logUniform: true));
        worst = Math.Max(worst, MaxError("log1p", Log1pD, x => Math.Log(1 + x), 1e-3, 1e6, N));
        Assert.True(worst <= DoubleUlps, $"max error {worst:F3} ulp");
    }

    /// <summary>e^x − 1 by its Taylor series for |x| ≤ 1 (the 25th term is below 1e-25), summed with Neumaier's compensation.</summary>
    private static double Expm1Series(double x)
    {
        double term = x, sum = 0, compensation = 0;
        for (int k = 2; k <= 26; k++)
        {
            double t = sum + term;
            compensation += Math.Abs(sum) >= Math.Abs(term) ? (sum - t) + term : (term - t) + sum;
            sum = t;
            term *= x / k;
        }
        return sum + compensation;
    }

    [Fact]
    public void SpecialValues()
    {
        Assert.Equal(0f, Apply(ExpF, float.NegativeInfinity));
        Assert.Equal(float.PositiveInfinity, Apply(ExpF, float.PositiveInfinity));
        Assert.Equal(float.PositiveInfinity, Apply(ExpF, 89f));
        Assert.Equal(0f, Apply(ExpF, -104f));
        Assert.True(float.IsNaN(Apply(ExpF, float.NaN)));
        Assert.Equal(1f, Apply(ExpF, 0f));
        Assert.Equal(1f, Apply(ExpF, -0f));
        Assert.True(Apply(ExpF, -100f) > 0f); // subnormal results are kept
        Assert.Equal(-1f, Apply(Expm1F, float.NegativeInfinity));
        Assert.Equal(-0f, Apply(Expm1F, -0f));
        Assert.Equal(1e-30f, Apply(Expm1F, 1e-30f));
        Assert.Equal(float.NegativeInfinity, Apply(LogF, 0f));
        Assert.Equal(float.NegativeInfinity, Apply(LogF, -0f));
        Assert.True(float.IsNaN(Apply(LogF, -1f)));
        Assert.True(float.IsNaN(Apply(LogF, float.NaN)));
        Assert.Equal(float.PositiveInfinity, Apply(LogF, float.PositiveInfinity));
        Assert.Equal(0f, Apply(LogF, 1f));
        Assert.Equal(float.NegativeInfinity, Apply(Log1pF, -1f));
        Assert.True(float.IsNaN(Apply(Log1pF, -2f)));
        Assert.Equal(1e-30f, Apply(Log1pF, 1e-30f));
        Assert.Equal(double.PositiveInfinity, Apply(ExpD, 710));
        Assert.Equal(0, Apply(ExpD, -746));
        Assert.Equal(double.NegativeInfinity, Apply(LogD, 0));
        Assert.Equal(Math.Log(double.Epsilon), Apply(LogD, double.Epsilon), 12);
    }

    [Fact]
    public void LogisticPiecesAreExactInTheLimitsAndNeverOverflow()
    {
        foreach (float x in new[] { -float.MaxValue, -1e30f, -3e4f, -100f, -1f, -1e-30f, 0f, 1e-30f, 1f, 100f, 3e4f, 1e30f, float.MaxValue })
        {
            Logistic.Split<W128<float>, float>(new W128<float>(Vector128.Create(x)), out W128<float> s, out W128<float> sn, out W128<float> lp);
            float sigmoid = s.V.ToScalar(), complement = sn.V.ToScalar(), log1pE = lp.V.ToScalar();
            double exactSigmoid = 1 / (1 + Math.Exp(-(double)x));
            double e = Math.Exp(-Math.Abs((double)x));
            double exactLog1pE = e < 1e-8 ? e - e * e / 2 : Math.Log(1 + e);
            Assert.True(float.IsFinite(sigmoid) && float.IsFinite(complement) && float.IsFinite(log1pE), $"x={x}");
            Assert.True(UlpsFloat(sigmoid, exactSigmoid) <= 2, $"σ({x}) = {sigmoid}");
            Assert.True(UlpsFloat(complement, 1 / (1 + Math.Exp((double)x))) <= 2, $"σ(−{x}) = {complement}");
            Assert.True(UlpsFloat(log1pE, exactLog1pE) <= 2, $"log1p(e^−|{x}|) = {log1pE}");
            // The cross-entropy of the logit against t = 0.3, both of its terms of one sign: never negative.
            W128<float> ce = Logistic.CrossEntropy<W128<float>, float>(new(Vector128.Create(x)), W128<float>.CreateConstant(0.3), W128<float>.CreateConstant(0.3), lp);
            double exactCe = (x >= 0 ? 0.7 * x : -0.3 * x) + exactLog1pE;
            Assert.True(UlpsFloat(ce.V.ToScalar(), exactCe) <= 2, $"ce({x}, 0.3) = {ce.V.ToScalar()}, expected {exactCe}");
        }
    }

    [Fact]
    public void EveryWidthGivesTheSameLanes()
    {
        Random rng = new(9);
        float[] inputs = new float[4096];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = BitConverter.Int32BitsToSingle(rng.Next()) * (rng.Next(2) == 0 ? 1 : -1);
        }
        inputs[0] = float.NaN;
        inputs[1] = float.PositiveInfinity;
        inputs[2] = float.Epsilon;
        float[] scalar = new float[inputs.Length], vector = new float[inputs.Length];
        Run<Pair<Pair<Pair<Pair<WScalar<float>, float>, float>, float>, float>>(inputs, scalar);
        Run<Pair<Pair<W128<float>, float>, float>>(inputs, vector);
        Check.SameBits<float>(scalar, vector, "W128 vs scalar");
        if (Vector256.IsHardwareAccelerated)
        {
            Run<Pair<W256<float>, float>>(inputs, vector);
            Check.SameBits<float>(scalar, vector, "W256 vs scalar");
        }
        if (Vector512.IsHardwareAccelerated)
        {
            Run<W512<float>>(inputs, vector);
            Check.SameBits<float>(scalar, vector, "W512 vs scalar");
        }
    }

    private static void Run<TVec>(float[] inputs, float[] outputs) where TVec : struct, IVec<TVec, float>
    {
        for (int i = 0; i < inputs.Length; i += 16)
        {
            TVec x = TVec.Load(ref inputs[i], 0);
            TVec r = VMath.Exp<TVec, float>(x) + VMath.Log<TVec, float>(x) * VMath.Expm1<TVec, float>(x) - VMath.Log1p<TVec, float>(x);
            // The softmax exponential of x ≤ 0 and log1p on [0, 1], of e = e^−|x|.
            TVec negative = -TVec.AndNot(x, TVec.CreateConstant(-0.0));
            TVec e = VMath.Exp<TVec, float>(negative);
            TVec u = e + TVec.CreateConstant(1.0);
            r = r * VMath.ExpSoftmax<TVec, float>(negative) + VMath.Log1pUnit<TVec, float>(e, u, TVec.CreateConstant(1.0) / u);
            TVec.Store(r, ref outputs[i], 0);
        }
    }

    [Fact]
    public void FusedMultiplyAddEmulationIsCorrectlyRounded()
    {
        // Products near 2^-24 added to ±1: the double sum often lands exactly on a float midpoint, the case that
        // needs the exact fallback; plus random operands over the whole range. The reference is the runtime's
        // MathF.FusedMultiplyAdd (the FMA instruction here, or the C library's exact fmaf).
        Random rng = new(5);
        int midpoints = 0, exactMidpoints = 0, deferredWrong = 0, deferredReports = 0;
        float[] a = new float[4], b = new float[4], c = new float[4];
        for (int i = 0; i < 400_000; i++)
        {
            for (int lane = 0; lane < 4; lane++)
            {
                if (i % 3 == 2)
                {
                    // Operands of few significant bits: the double sum is exact, and often a float midpoint
                    // (then the exact result itself, rounded to even).
                    a[lane] = (1 + rng.Next(1 << 9) * (1f / (1 << 9))) * MathF.ScaleB(1, rng.Next(-30, 30));
                    b[lane] = (rng.Next(1, 1 << 9) * (rng.Next(2) == 0 ? -1 : 1)) * MathF.ScaleB(1, rng.Next(-40, 10));
                    c[lane] = MathF.ScaleB(rng.Next(2) == 0 ? 1f : -1f, rng.Next(-30, 30));
                }
                else if ((i & 1) == 0)
                {
                    a[lane] = 1 + rng.Next(1 << 23) * (1f / (1 << 23));
                    b[lane] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits((float)(Math.Pow(2, -24) / a[lane])) + rng.Next(-2, 3));
                    c[lane] = rng.Next(2) == 0 ? 1f : -1f;
                }
                else
                {
                    a[lane] = BitConverter.Int32BitsToSingle(rng.Next());
                    b[lane] = BitConverter.Int32BitsToSingle(rng.Next()) * (rng.Next(2) == 0 ? -1 : 1);
                    c[lane] = BitConverter.Int32BitsToSingle(rng.Next()) * (rng.Next(2) == 0 ? -1 : 1);
                }
                float expected = MathF.FusedMultiplyAdd(a[lane], b[lane], c[lane]);
                double naive = (double)a[lane] * b[lane] + c[lane];
                if ((BitConverter.DoubleToInt64Bits(naive) & 0x1FFFFFFF) == 0x10000000)
                {
                    if ((float)naive != expected)
                    {
                        midpoints++;
                    }
                    else if (Math.Abs(naive) >= Math.ScaleB(1.0, -126))
                    {
                        exactMidpoints++;
                    }
                }
                Check.SameBits(expected, FusedMultiplyAdd.Single(a[lane], b[lane], c[lane]), $"fma({a[lane]:R}, {b[lane]:R}, {c[lane]:R})");
            }
            // Both vector forms, whichever this CPU's path takes (the AVX form where AVX exists).
            Vector128<float> va = Vector128.Create(a), vb = Vector128.Create(b), vc = Vector128.Create(c);
            Vector128<float> sse = FusedMultiplyAdd.SingleSse(va, vb, vc);
            Vector128<float> avx = Avx.IsSupported ? FusedMultiplyAdd.SingleAvx(va, vb, vc) : sse;
            // The deferred form: its bits wherever it reports nothing inexact, and a report wherever they are wrong.
            int inexact = 0;
            Vector128<float> deferred = FusedMultiplyAdd.SingleDeferred(va, vb, vc, ref inexact);
            for (int lane = 0; lane < 4; lane++)
            {
                float expected = MathF.FusedMultiplyAdd(a[lane], b[lane], c[lane]);
                Check.SameBits(expected, sse.GetElement(lane), $"lane {lane} of fma({a[lane]:R}, {b[lane]:R}, {c[lane]:R}), 128-bit halves");
                Check.SameBits(expected, avx.GetElement(lane), $"lane {lane} of fma({a[lane]:R}, {b[lane]:R}, {c[lane]:R}), AVX");
                int scalarInexact = 0;
                float scalar = FusedMultiplyAdd.SingleDeferred(a[lane], b[lane], c[lane], ref scalarInexact);
                Assert.True(scalarInexact != 0 || SameBits(scalar, expected), $"deferred fma({a[lane]:R}, {b[lane]:R}, {c[lane]:R}) gave {scalar:R} unreported");
                if (!SameBits(deferred.GetElement(lane), expected))
                {
                    Assert.True(inexact != 0, $"lane {lane} of the deferred fma({a[lane]:R}, {b[lane]:R}, {c[lane]:R}) gave {deferred.GetElement(lane):R} unreported");
                    deferredWrong++;
                }
            }
            deferredReports += inexact != 0 ? 1 : 0;
        }
        output.WriteLine($"{midpoints} cases where rounding the double sum to float would have been wrong, {exactMidpoints} exact sums on a float midpoint");
        Assert.True(midpoints > 100, "the double-rounding cases were not reached");
        Assert.True(exactMidpoints > 1000, "the exact midpoints were not reached");
        Assert.True(deferredWrong > 100 && deferredReports >= deferredWrong, $"the deferred form's wrong lanes ({deferredWrong}) were not reached or not all reported ({deferredReports})");
    }

    // The same bits, or both NaN (as Check.SameBits).
    private static bool SameBits(float a, float b) => (float.IsNaN(a) && float.IsNaN(b)) || BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);

    [Fact]
    public void TheExponentialsLastStepWithoutFusedMultiplyAddHasTheFusedBits()
    {
        // q·2^k + 2^k as (1 + q)·2^k on hardware without FMA: q over the reduced range of e^r − 1, every normal
        // power of two (results in the subnormal range take the emulated fused step), and 0.
        Random rng = new(11);
        float[] q = new float[4], s = new float[4];
        for (int i = 0; i < 200_000; i++)
        {
            for (int lane = 0; lane < 4; lane++)
            {
                q[lane] = (float)(rng.NextDouble() * 0.8 - 0.35);
                int k = rng.Next(-127, 128);
                s[lane] = k == -127 ? 0f : MathF.ScaleB(1f, i % 5 == 0 ? rng.Next(-126, -122) : k);
            }
            Vector128<float> got = FusedMultiplyAdd.SingleScale(Vector128.Create(q), Vector128.Create(s));
            int inexact = 0;
            Vector128<float> deferred = FusedMultiplyAdd.SingleScaleDeferred(Vector128.Create(q), Vector128.Create(s), ref inexact);
            for (int lane = 0; lane < 4; lane++)
            {
                float expected = MathF.FusedMultiplyAdd(q[lane], s[lane], s[lane]);
                Check.SameBits(expected, got.GetElement(lane), $"lane {lane}: {q[lane]:R}·{s[lane]:R} + {s[lane]:R}");
                Check.SameBits(expected, FusedMultiplyAdd.SingleScale(q[lane], s[lane]), $"{q[lane]:R}·{s[lane]:R} + {s[lane]:R}");
                int scalarInexact = 0;
                float scalar = FusedMultiplyAdd.SingleScaleDeferred(q[lane], s[lane], ref scalarInexact);
                Assert.True(scalarInexact != 0 || SameBits(scalar, expected), $"deferred {q[lane]:R}·{s[lane]:R} + {s[lane]:R} gave {scalar:R} unreported");
                Assert.True(inexact != 0 || SameBits(deferred.GetElement(lane), expected), $"lane {lane} of the deferred {q[lane]:R}·{s[lane]:R} + {s[lane]:R} unreported");
            }
        }
    }
}
