using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace FastLoss.Simd;

/// <summary>
/// Elementary functions over <see cref="IVec{TSelf, T}"/>, written with correctly rounded lane operations
/// (fused multiply-add included: exact on every path) and integer arithmetic on bit patterns only, so every
/// path (AVX-512, AVX2, SSE, scalar) gives the same bits. The float exp, softmax exp, log and log1p on [0, 1]
/// use fused multiply-adds (half the operations); double keeps separate multiplies and adds, whose exact
/// emulation without FMA hardware would cost a call per lane. Measured error (ElementaryFunctionTests, a
/// million inputs per range, including subnormals): float against double — Exp 1.05 ulp, softmax exp 1.05,
/// Expm1 1.67, Log 0.75 (subnormal inputs 0.5), Log1p 1.04, log1p on [0, 1] 1.69; double against
/// Math.Exp/Math.Log — Exp, Log, Log1p ≤ 1 ulp, Expm1 ≤ 2 ulp. Documented bound: 2 ulp for every function
/// and type.
/// </summary>
internal static class VMath
{
    // Round-to-nearest-even of |x| < 2^22 (float) or 2^51 (double): adding and removing 1.5·2^mantissa
    // pushes the fraction bits out; the sum's low bits then hold the integer itself.
    private const float MagicF = 12582912f;             // 1.5 * 2^23, bits 0x4B400000
    private const double MagicD = 6755399441055744.0;   // 1.5 * 2^52, bits 0x4338000000000000
    private const long MagicBitsF = 0x4B400000;
    private const long MagicBitsD = 0x4338000000000000;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec C<TVec, T>(double value) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TVec.CreateConstant(value);

    /// <summary>2^k for integer-valued k whose 2^k is a normal number (k = −127 or −1023 gives +0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec PowerOfTwo<TVec, T>(TVec k) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            TVec bits = TVec.AddBits(k + C<TVec, T>(MagicF), TVec.CreateBits(127 - MagicBitsF));
            return TVec.ShiftLeftBits(bits, 23);
        }
        TVec b = TVec.AddBits(k + C<TVec, T>(MagicD), TVec.CreateBits(1023 - MagicBitsD));
        return TVec.ShiftLeftBits(b, 52);
    }

    /// <summary>
    /// The heart of every exponential: k = round(x/ln2) and r = x − k·ln2 (Cody–Waite: the high part of ln2
    /// has so few bits that k·ln2_hi is exact), and e^r − 1 as a polynomial without the leading 1.
    /// Float: Taylor series to r^7, below 2e-8 relative for |r| ≤ ln2/2; double: to r^13, below 5e-18.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Reduce<TVec, T>(TVec x, out TVec k)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            TVec magic = C<TVec, T>(MagicF);
            k = (x * C<TVec, T>(1.44269504088896341) + magic) - magic;
            TVec r = (x - k * C<TVec, T>(0.693359375)) - k * C<TVec, T>(-2.12194440e-4);
            TVec p = C<TVec, T>(1.0 / 5040);
            p = p * r + C<TVec, T>(1.0 / 720);
            p = p * r + C<TVec, T>(1.0 / 120);
            p = p * r + C<TVec, T>(1.0 / 24);
            p = p * r + C<TVec, T>(1.0 / 6);
            p = p * r + C<TVec, T>(0.5);
            return (r * r) * p + r;
        }
        else
        {
            TVec magic = C<TVec, T>(MagicD);
            k = (x * C<TVec, T>(1.4426950408889634) + magic) - magic;
            TVec r = (x - k * C<TVec, T>(6.93147180369123816490e-01)) - k * C<TVec, T>(1.90821492927058770002e-10);
            TVec p = C<TVec, T>(1.0 / 6227020800.0);
            p = p * r + C<TVec, T>(1.0 / 479001600.0);
            p = p * r + C<TVec, T>(1.0 / 39916800.0);
            p = p * r + C<TVec, T>(1.0 / 3628800.0);
            p = p * r + C<TVec, T>(1.0 / 362880.0);
            p = p * r + C<TVec, T>(1.0 / 40320.0);
            p = p * r + C<TVec, T>(1.0 / 5040.0);
            p = p * r + C<TVec, T>(1.0 / 720.0);
            p = p * r + C<TVec, T>(1.0 / 120.0);
            p = p * r + C<TVec, T>(1.0 / 24.0);
            p = p * r + C<TVec, T>(1.0 / 6.0);
            p = p * r + C<TVec, T>(0.5);
            return (r * r) * p + r;
        }
    }

    /// <summary>
    /// Float: the reduction of <see cref="Reduce"/> with fused multiply-adds (exact on every path, see
    /// <see cref="IVec{TSelf, T}.MultiplyAdd"/>) and a fitted polynomial: half the operations, each rounded once.
    /// Returns e^r − 1; <paramref name="shifted"/> = x/ln2 + 1.5·2^23 holds k in its low bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ReduceFused<TVec, T, TSteps>(TVec x, out TVec shifted, ref int inexact, bool shortChain = false)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps
    {
        TVec magic = C<TVec, T>(MagicF);
        shifted = TSteps.MultiplyAdd<TVec, T>(x, C<TVec, T>(1.44269504088896341), magic, ref inexact);
        TVec k = shifted - magic;
        // ln2 = 0.693147182464599609375 (float) + -1.904654323148236e-09: x − k·ln2_hi is exact.
        TVec r = TSteps.MultiplyAdd<TVec, T>(k, C<TVec, T>(-0.693147182464599609375), x, ref inexact);
        r = TSteps.MultiplyAdd<TVec, T>(k, C<TVec, T>(1.904654323148236e-09), r, ref inexact);
        // e^r − 1 = r + r²·Q(r), Q of degree 4 fitted to (e^r − 1 − r)/r² on [−ln2/2, ln2/2] (Chebyshev,
        // relative error of e^r 1.0e-8, a sixth of an ulp): one step fewer than the Taylor series to r^7.
        // Horner's scheme has the fewest operations (the softmax exponential, which is throughput-bound);
        // Estrin's, one more multiply but a chain shorter by one step (Exp, whose callers are latency-bound).
        TVec r2 = r * r;
        TVec p;
        if (shortChain)
        {
            TVec p23 = TSteps.MultiplyAdd<TVec, T>(C<TVec, T>(0.1666657702559799), r, C<TVec, T>(0.5), ref inexact);
            TVec p45 = TSteps.MultiplyAdd<TVec, T>(C<TVec, T>(0.008363173074513711), r, C<TVec, T>(0.041666554662050534), ref inexact);
            p = TSteps.MultiplyAdd<TVec, T>(TSteps.MultiplyAdd<TVec, T>(C<TVec, T>(0.001392617611993558), r2, p45, ref inexact), r2, p23, ref inexact);
        }
        else
        {
            p = TSteps.MultiplyAdd<TVec, T>(C<TVec, T>(0.001392617611993558), r, C<TVec, T>(0.008363173074513711), ref inexact);
            p = TSteps.MultiplyAdd<TVec, T>(p, r, C<TVec, T>(0.041666554662050534), ref inexact);
            p = TSteps.MultiplyAdd<TVec, T>(p, r, C<TVec, T>(0.1666657702559799), ref inexact);
            p = TSteps.MultiplyAdd<TVec, T>(p, r, C<TVec, T>(0.5), ref inexact);
        }
        return TSteps.MultiplyAdd<TVec, T>(r2, p, r, ref inexact);
    }

    /// <summary>
    /// Splits x = k·ln2 + r with |r| ≤ ln2/2 and returns e^r − 1 (as a polynomial without the leading 1,
    /// so it keeps full relative accuracy for small r) with 2^k as two normal factors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ExpCore<TVec, T>(TVec x, out TVec scale1, out TVec scale2, out TVec k)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Beyond these, e^x is ∞ or rounds to 0; clamping keeps k small while NaN passes through.
        TVec hi = typeof(T) == typeof(float) ? C<TVec, T>(89.0) : C<TVec, T>(710.0);
        TVec lo = typeof(T) == typeof(float) ? C<TVec, T>(-104.0) : C<TVec, T>(-746.0);
        x = TVec.Select(TVec.GreaterThan(x, hi), hi, x);
        x = TVec.Select(TVec.LessThan(x, lo), lo, x);
        TVec q = Reduce<TVec, T>(x, out k);
        // 2^k = 2^k1 · 2^k2 with k1 = round(k/2): both factors stay normal over the whole clamped range,
        // so results near overflow and in the subnormal range are rounded once, at the last multiply.
        TVec m = typeof(T) == typeof(float) ? C<TVec, T>(MagicF) : C<TVec, T>(MagicD);
        TVec k1 = (k * C<TVec, T>(0.5) + m) - m;
        scale1 = PowerOfTwo<TVec, T>(k1);
        scale2 = PowerOfTwo<TVec, T>(k - k1);
        return q;
    }

    /// <summary>2^k for a float k in the normal range, from x/ln2 + 1.5·2^23 (whose low bits hold k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ScaleFromShifted<TVec, T>(TVec shifted) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TVec.ShiftLeftBits(TVec.AddBits(shifted, TVec.CreateBits(127 - MagicBitsF)), 23);

    /// <summary>e^x. NaN gives NaN, +∞ gives +∞, −∞ gives 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exp<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            if (typeof(TVec) == typeof(W128<float>) && !Fma.IsSupported && !AdvSimd.IsSupported) // see Deferred
            {
                return Deferred.Exp<TVec, T>(x);
            }
            int unused = 0;
            return ExpSingle<TVec, T, ExactSteps>(x, ref unused);
        }
        // Double. Far below the subnormal range the result is 0. Computing it anyway (a product that underflows)
        // costs a microcode assist per instruction on x86, and masked lanes (−∞) are common in the kernels:
        // such lanes compute e^0 and are replaced.
        TVec zero = C<TVec, T>(0.0);
        TVec vanishes = TVec.LessThan(x, C<TVec, T>(-746.0));
        TVec q = ExpCore<TVec, T>(TVec.Select(vanishes, zero, x), out TVec s1, out TVec s2, out _);
        return TVec.Select(vanishes, zero, ((C<TVec, T>(1.0) + q) * s1) * s2);
    }

    /// <summary>Float e^x with the fused steps of <typeparamref name="TSteps"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ExpSingle<TVec, T, TSteps>(TVec x, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps
    {
        // |x| ≤ 87: 2^k and e^x are normal, so e^x = 2^k·(1 + q) in one fused step (NaN passes through it).
        // A vector with any lane beyond takes the general route, which gives the same bits for the lanes
        // in range, so a lane's result never depends on its neighbours.
        if (TVec.AnyGreaterThan(TVec.AndNot(x, C<TVec, T>(-0.0)), C<TVec, T>(87.0)))
        {
            return ExpSingleWide<TVec, T, TSteps>(x, ref inexact);
        }
        TVec qf = ReduceFused<TVec, T, TSteps>(x, out TVec shifted, ref inexact, shortChain: true);
        TVec scale = ScaleFromShifted<TVec, T>(shifted);
        return TSteps.MultiplyAddScale<TVec, T>(qf, scale, ref inexact);
    }

    /// <summary>
    /// Float e^x for any x. Clamped to [−104, 89] (NaN passes): e^−104 rounds to 0 and e^89 overflows, as they
    /// should. 2^k is applied as two normal factors 2^(k − j)·2^j, j = k >> 1, formed on the integer k in the
    /// low bits of `shifted`: normal results are 2^k·(1 + q) rounded once, the same bits as the fast route of
    /// <see cref="Exp"/>; subnormal results are rounded once more, at the last multiply.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ExpSingleWide<TVec, T, TSteps>(TVec x, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps
    {
        TVec clamped = TVec.MinSelect(C<TVec, T>(89.0), TVec.MaxSelect(C<TVec, T>(-104.0), x));
        TVec q = ReduceFused<TVec, T, TSteps>(clamped, out TVec shifted, ref inexact, shortChain: true);
        TVec kBits = TVec.SubtractBits(shifted, TVec.CreateBits(MagicBitsF));
        TVec j = TVec.ShiftRightArithmeticBits(kBits, 1);
        TVec bias = TVec.CreateBits(127);
        TVec lowScale = TVec.ShiftLeftBits(TVec.AddBits(TVec.SubtractBits(kBits, j), bias), 23);
        TVec highScale = TVec.ShiftLeftBits(TVec.AddBits(j, bias), 23);
        return TSteps.MultiplyAddScale<TVec, T>(q, lowScale, ref inexact) * highScale;
    }

    /// <summary>
    /// e^x for the exponentials of a softmax, x = logit − max ≤ 0: as accurate as <see cref="Exp"/> down to
    /// e^−87.3 (float) or e^−708 (double), where 2^k is still normal; below about e^−87.7 (e^−708.7), −∞
    /// included, exactly 0. The values dropped are subnormal, nothing next to the row's largest term (1), and
    /// the inputs are clamped to the point where 2^k's exponent bits are all zero (k = −127 or −1023), so 0
    /// comes out of the same operations, without a select, the two-step scaling of <see cref="Exp"/>, or the
    /// microcode assists that subnormal results cost on x86. NaN gives NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec ExpSoftmax<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            if (typeof(TVec) == typeof(W128<float>) && !Fma.IsSupported && !AdvSimd.IsSupported) // see Deferred
            {
                return Deferred.ExpSoftmax<TVec, T>(x);
            }
            int unused = 0;
            return ExpSoftmaxSingle<TVec, T, ExactSteps>(x, ref unused);
        }
        // round(−709/ln2) = −1023: 2^k's biased exponent is 0, so 2^k is read as +0.
        TVec lo = C<TVec, T>(-709.0);
        TVec q = Reduce<TVec, T>(TVec.Select(TVec.LessThan(x, lo), lo, x), out TVec k);
        return (C<TVec, T>(1.0) + q) * PowerOfTwo<TVec, T>(k);
    }

    /// <summary>
    /// <see cref="ExpSoftmax"/> inlined in a loop where the fused steps are emulated (the scalar path's <see cref="WScalar{T}"/>
    /// and its pairs and quads, <see cref="W128{T}"/> without FMA hardware): the float steps deferred (no test and call at
    /// each step, which kept every step's result in memory around the call), and the vector computed again with exact
    /// steps, in a call, where a lane may differ (rare). The same bits as <see cref="ExpSoftmax"/>, which double and
    /// float with FMA hardware take.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec ExpSoftmaxInlined<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) || Fma.IsSupported)
        {
            return ExpSoftmax<TVec, T>(x);
        }
        int inexact = 0;
        TVec e = ExpSoftmaxSingle<TVec, T, DeferredSteps>(x, ref inexact);
        return inexact == 0 ? e : ExpSoftmaxExact<TVec, T>(x);
    }

    /// <summary>Float <see cref="ExpSoftmax"/> with exact steps, in a method of its own (<see cref="ExpSoftmaxInlined"/>'s rare recomputation).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TVec ExpSoftmaxExact<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int unused = 0;
        return ExpSoftmaxSingle<TVec, T, ExactSteps>(x, ref unused);
    }

    /// <summary>Float <see cref="ExpSoftmax"/> with the fused steps of <typeparamref name="TSteps"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ExpSoftmaxSingle<TVec, T, TSteps>(TVec x, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps
    {
        // round(−88/ln2) = −127: 2^k's biased exponent is 0, so 2^k is read as +0. MaxSelect(lo, x) is lo where
        // x < lo and x otherwise, NaN included.
        TVec qf = ReduceFused<TVec, T, TSteps>(TVec.MaxSelect(C<TVec, T>(-88.0), x), out TVec shifted, ref inexact);
        TVec scale = ScaleFromShifted<TVec, T>(shifted);
        return TSteps.MultiplyAddScale<TVec, T>(qf, scale, ref inexact);
    }

    /// <summary>e^x − 1, accurate for small x. NaN gives NaN, +∞ gives +∞, −∞ gives −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Expm1<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // As in Exp: lanes far below the subnormal range skip the underflowing products (−1 exactly).
        TVec vanishes = TVec.LessThan(x, typeof(T) == typeof(float) ? C<TVec, T>(-104.0) : C<TVec, T>(-746.0));
        TVec q = ExpCore<TVec, T>(TVec.Select(vanishes, C<TVec, T>(0.0), x), out TVec s1, out TVec s2, out _);
        TVec one = C<TVec, T>(1.0);
        // Below x = 40, 2^k = s1·s2 is exact and 2^k·(e^r − 1) + (2^k − 1) keeps the relative accuracy of q;
        // above it the −1 is far below half an ulp of e^x.
        TVec s = s1 * s2;
        TVec small = s * q + (s - one);
        TVec large = ((one + q) * s1) * s2;
        return TVec.Select(vanishes, -one, TVec.Select(TVec.GreaterThan(x, C<TVec, T>(40.0)), large, small));
    }

    /// <summary>
    /// Float log(2^k·(1 + f)) given f, s = f/(2 + f) and k, as musl's logf: f − f²/2 + s·(f²/2 + R(s²)) + k·ln2,
    /// with fused multiply-adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec LogSinglePolynomial<TVec, T, TSteps>(TVec f, TVec s, TVec k, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps
    {
        TVec z = s * s;
        TVec w = z * z;
        TVec t1 = w * TSteps.MultiplyAdd<TVec, T>(w, C<TVec, T>(0.24279078841), C<TVec, T>(0.40000972152), ref inexact);
        TVec r = TSteps.MultiplyAdd<TVec, T>(z, TSteps.MultiplyAdd<TVec, T>(w, C<TVec, T>(0.28498786688), C<TVec, T>(0.66666662693), ref inexact), t1, ref inexact);
        TVec hfsq = C<TVec, T>(0.5) * f * f;
        TVec a = TSteps.MultiplyAdd<TVec, T>(s, hfsq + r, k * C<TVec, T>(9.0580006145e-06), ref inexact);
        return TSteps.MultiplyAdd<TVec, T>(k, C<TVec, T>(6.9313812256e-01), (a - hfsq) + f, ref inexact);
    }

    /// <summary>Natural logarithm. log(±0) = −∞, log(x &lt; 0) = NaN, log(+∞) = +∞, NaN gives NaN.</summary>
    /// <remarks>
    /// Two methods, one per type: the JIT counts a method's whole IL against its inlining budget, dead branch
    /// included, and one method with both reductions (1,379 bytes of IL) was not inlined into the larger kernels:
    /// split, double BCE went from 51 to 15 ns per element and double log loss from 55 to 19 (same bits). The
    /// expensive operators now run in a method of their own (<c>PointwiseDriver.BlockTerms</c>), where it is inlined.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Log<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => LogSpecialCases<TVec, T>(x, typeof(T) == typeof(float) ? LogSingle<TVec, T>(x) : LogDouble<TVec, T>(x));

    /// <summary>musl's logf: x = 2^k·m, m in [√2/2, √2), log(m) = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2+f).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec LogSingle<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(TVec) == typeof(W128<float>) && !Fma.IsSupported && !AdvSimd.IsSupported) // see Deferred
        {
            return Deferred.LogSingle<TVec, T>(x);
        }
        int unused = 0;
        return LogSingle<TVec, T, ExactSteps>(x, ref unused);
    }

    /// <summary><see cref="LogSingle{TVec, T}"/> with the fused steps of <typeparamref name="TSteps"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec LogSingle<TVec, T, TSteps>(TVec x, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps
    {
        TVec sub = TVec.LessThan(x, C<TVec, T>(1.17549435e-38));
        TVec xs = TVec.Select(sub, x * C<TVec, T>(8388608.0), x);
        TVec adj = TVec.Select(sub, C<TVec, T>(-23.0), TVec.CreateConstant(0.0));
        TVec ix = TVec.AddBits(xs, TVec.CreateBits(0x3f800000 - 0x3f3504f3));
        TVec kBits = TVec.ShiftRightBits(ix, 23);
        TVec k = (TVec.AddBits(kBits, TVec.CreateBits(MagicBitsF - 127)) - C<TVec, T>(MagicF)) + adj;
        TVec m = TVec.AddBits(ix & TVec.CreateBits(0x007fffff), TVec.CreateBits(0x3f3504f3));
        TVec f = m - C<TVec, T>(1.0);
        return LogSinglePolynomial<TVec, T, TSteps>(f, f / (C<TVec, T>(2.0) + f), k, ref inexact);
    }

    /// <summary>musl's log, the same reduction in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec LogDouble<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TVec sub = TVec.LessThan(x, C<TVec, T>(2.2250738585072014e-308));
        TVec xs = TVec.Select(sub, x * C<TVec, T>(18014398509481984.0), x);
        TVec adj = TVec.Select(sub, C<TVec, T>(-54.0), TVec.CreateConstant(0.0));
        TVec ix = TVec.AddBits(xs, TVec.CreateBits(0x3ff0000000000000 - 0x3fe6a09e667f3bcd));
        TVec kBits = TVec.ShiftRightBits(ix, 52);
        TVec k = (TVec.AddBits(kBits, TVec.CreateBits(MagicBitsD - 1023)) - C<TVec, T>(MagicD)) + adj;
        TVec m = TVec.AddBits(ix & TVec.CreateBits(0x000fffffffffffff), TVec.CreateBits(0x3fe6a09e667f3bcd));
        TVec f = m - C<TVec, T>(1.0);
        TVec hfsq = C<TVec, T>(0.5) * f * f;
        TVec s = f / (C<TVec, T>(2.0) + f);
        TVec z = s * s;
        TVec w = z * z;
        TVec t1 = w * (C<TVec, T>(3.999999999940941908e-01) + w * (C<TVec, T>(2.222219843214978396e-01) + w * C<TVec, T>(1.531383769920937332e-01)));
        TVec t2 = z * (C<TVec, T>(6.666666666666735130e-01) + w * (C<TVec, T>(2.857142874366239149e-01) + w * (C<TVec, T>(1.818357216161805012e-01) + w * C<TVec, T>(1.479819860511658591e-01))));
        TVec r = t2 + t1;
        return s * (hfsq + r) + k * C<TVec, T>(1.90821492927058770002e-10) - hfsq + f + k * C<TVec, T>(6.93147180369123816490e-01);
    }

    /// <summary>log's results at 0, below 0, +∞ and NaN over the polynomial's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec LogSpecialCases<TVec, T>(TVec x, TVec result) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TVec zero = TVec.CreateConstant(0.0);
        TVec inf = TVec.CreateConstant(double.PositiveInfinity);
        result = TVec.Select(TVec.Equal(x, zero), TVec.CreateConstant(double.NegativeInfinity), result);
        result = TVec.Select(TVec.LessThan(x, zero), TVec.CreateConstant(double.NaN), result);
        result = TVec.Select(TVec.Equal(x, inf), inf, result);
        return TVec.Select(TVec.Equal(x, x), result, x);
    }

    /// <summary>
    /// log(1 + x) for x in [0, 1] (NaN propagates). Float: one polynomial in x (u and r unused). Double: given
    /// u = 1 + x and r = 1/u, which the callers have already, the polynomials of <see cref="Log"/> without its
    /// special cases, subnormal scaling or second division.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Log1pUnit<TVec, T>(TVec x, TVec u, TVec r) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            if (typeof(TVec) == typeof(W128<float>) && !Fma.IsSupported && !AdvSimd.IsSupported) // see Deferred
            {
                return Deferred.Log1pUnitSingle<TVec, T>(x);
            }
            int unused = 0;
            return Log1pUnitSingle<TVec, T, ExactSteps>(x, ref unused);
        }
        TVec one = C<TVec, T>(1.0);
        // u = 2^k·m with k ∈ {0, 1} and m in [√2/2, √2).
        TVec upper = TVec.GreaterThan(u, C<TVec, T>(1.4142135623730951));
        TVec f = TVec.Select(upper, u * C<TVec, T>(0.5), u) - one;
        TVec k = TVec.Select(upper, one, C<TVec, T>(0.0));
        TVec s = f / (C<TVec, T>(2.0) + f);
        TVec z = s * s;
        TVec w = z * z;
        TVec t1 = w * (C<TVec, T>(3.999999999940941908e-01) + w * (C<TVec, T>(2.222219843214978396e-01) + w * C<TVec, T>(1.531383769920937332e-01)));
        TVec t2 = z * (C<TVec, T>(6.666666666666735130e-01) + w * (C<TVec, T>(2.857142874366239149e-01) + w * (C<TVec, T>(1.818357216161805012e-01) + w * C<TVec, T>(1.479819860511658591e-01))));
        TVec lnHi = C<TVec, T>(6.93147180369123816490e-01);
        TVec lnLo = C<TVec, T>(1.90821492927058770002e-10);
        TVec hfsq = C<TVec, T>(0.5) * f * f;
        TVec log = s * (hfsq + (t2 + t1)) + k * lnLo - hfsq + f + k * lnHi;
        // The rounding error of u = 1 + x, carried as log(1 + c) ≈ c.
        return log + (x - (u - one)) * r;
    }

    /// <summary>Float <see cref="Log1pUnit"/> with the fused steps of <typeparamref name="TSteps"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Log1pUnitSingle<TVec, T, TSteps>(TVec x, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps
    {
        // Float: log1p(x) = x + x²·Q(x) on [0, 1] with Q of degree 9 (Chebyshev fit, relative error of the
        // result 3.6e-9, a twentieth of an ulp): no reduction, no division, nothing taken from u or r.
        // Estrin's scheme: pairs, then powers x², x⁴, x⁸, a short chain of dependent steps.
        // Below 2^−26 the result is x itself (x²/2 is under a quarter of an ulp of x, so x + x²·Q rounds to x
        // whatever Q's last bits): such lanes evaluate the polynomial at 0 instead, because x⁴ (and below
        // 2^−63 x²) would be subnormal, which costs a microcode assist per instruction on x86 — BCE with logits
        // of |x| > 22 ran 12 times slower. The bits are those of the plain evaluation.
        TVec tiny = TVec.LessThan(x, C<TVec, T>(1.4901161193847656e-08));
        TVec x0 = x;
        x = TVec.Select(tiny, C<TVec, T>(0.0), x);
        TVec x2 = x * x;
        TVec x4 = x2 * x2;
        TVec p01 = TSteps.MultiplyAdd<TVec, T>(C<TVec, T>(0.3333323734621399), x, C<TVec, T>(-0.4999999952222377), ref inexact);
        TVec p23 = TSteps.MultiplyAdd<TVec, T>(C<TVec, T>(0.19956707952251837), x, C<TVec, T>(-0.24996759908263924), ref inexact);
        TVec p45 = TSteps.MultiplyAdd<TVec, T>(C<TVec, T>(0.13033364238242814), x, C<TVec, T>(-0.16365152869205535), ref inexact);
        TVec p67 = TSteps.MultiplyAdd<TVec, T>(C<TVec, T>(0.049309973434549695), x, C<TVec, T>(-0.0913941377401492), ref inexact);
        TVec p89 = TSteps.MultiplyAdd<TVec, T>(C<TVec, T>(0.00280164199280335), x, C<TVec, T>(-0.01718426698244871), ref inexact);
        TVec p0123 = TSteps.MultiplyAdd<TVec, T>(p23, x2, p01, ref inexact);
        TVec p4567 = TSteps.MultiplyAdd<TVec, T>(p67, x2, p45, ref inexact);
        TVec p4589 = TSteps.MultiplyAdd<TVec, T>(p89, x4, p4567, ref inexact);
        TVec q = TSteps.MultiplyAdd<TVec, T>(p4589, x4, p0123, ref inexact);
        return TVec.Select(tiny, x0, TSteps.MultiplyAdd<TVec, T>(x2, q, x, ref inexact));
    }

    /// <summary>log(1 + x), accurate for small x. log1p(−1) = −∞, x &lt; −1 gives NaN, NaN gives NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Log1p<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TVec one = C<TVec, T>(1.0);
        TVec u = one + x;
        // log(1 + x) = log(u) + log(1 + c) with c = (x − (u − 1))/u the rounding error of u, and log(1 + c) ≈ c.
        TVec c = (x - (u - one)) / u;
        c = TVec.Select(TVec.Equal(c, c), c, TVec.CreateConstant(0.0)); // u = 0 or ∞: c is 0/0 or ∞/∞
        return Log<TVec, T>(u) + c;
    }
    /// <summary>
    /// The float functions on 128-bit vectors without FMA hardware (the SSE path): each in a method of its own, with
    /// <see cref="DeferredSteps"/>, and computed again with <see cref="ExactSteps"/> when a lane may not have the fused
    /// bits (rare). Inlined with exact steps, every step's test and call (never taken) made the JIT keep each step's
    /// result in memory, and the kernels reached the JIT's limit of locals (their own steps became calls).
    /// </summary>
    /// <remarks>
    /// The callers test <c>typeof(TVec) == typeof(W128&lt;float&gt;) &amp;&amp; !Fma.IsSupported &amp;&amp; !AdvSimd.IsSupported</c>
    /// in place: type tests and ISA flags the JIT folds as it imports the method, so the branch not taken is never
    /// imported. Behind a helper method or a static abstract property the test is folded only after inlining, and
    /// the dead branch's exact function was imported and inlined all the same (its locals counted). Other emulated
    /// types (the scalar path's) keep exact steps: there a call per function cost more than it saved.
    /// </remarks>
    private static class Deferred
    {
        public static TVec Exp<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
            => Run<ExpFunction, TVec, T>(x);

        public static TVec ExpSoftmax<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
            => Run<ExpSoftmaxFunction, TVec, T>(x);

        public static TVec LogSingle<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
            => Run<LogFunction, TVec, T>(x);

        public static TVec Log1pUnitSingle<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
            => Run<Log1pUnitFunction, TVec, T>(x);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static TVec Run<TFunction, TVec, T>(TVec x)
            where TFunction : struct, IFunction where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            int inexact = 0;
            TVec result = TFunction.Of<TVec, T, DeferredSteps>(x, ref inexact);
            return inexact == 0 ? result : Exact<TFunction, TVec, T>(x);
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static TVec Exact<TFunction, TVec, T>(TVec x)
            where TFunction : struct, IFunction where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            int unused = 0;
            return TFunction.Of<TVec, T, ExactSteps>(x, ref unused);
        }

        /// <summary>A float function of one vector, with its fused steps taken by <c>TSteps</c>.</summary>
        private interface IFunction
        {
            static abstract TVec Of<TVec, T, TSteps>(TVec x, ref int inexact)
                where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps;
        }

        private readonly struct ExpFunction : IFunction
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static TVec Of<TVec, T, TSteps>(TVec x, ref int inexact)
                where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps
                => ExpSingle<TVec, T, TSteps>(x, ref inexact);
        }

        private readonly struct ExpSoftmaxFunction : IFunction
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static TVec Of<TVec, T, TSteps>(TVec x, ref int inexact)
                where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps
                => ExpSoftmaxSingle<TVec, T, TSteps>(x, ref inexact);
        }

        private readonly struct LogFunction : IFunction
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static TVec Of<TVec, T, TSteps>(TVec x, ref int inexact)
                where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps
                => LogSingle<TVec, T, TSteps>(x, ref inexact);
        }

        private readonly struct Log1pUnitFunction : IFunction
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static TVec Of<TVec, T, TSteps>(TVec x, ref int inexact)
                where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T> where TSteps : struct, IFusedSteps
                => Log1pUnitSingle<TVec, T, TSteps>(x, ref inexact);
        }
    }
}

