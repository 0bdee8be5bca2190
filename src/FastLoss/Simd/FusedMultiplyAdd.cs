using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastLoss.Simd;

/// <summary>
/// Correctly rounded <c>a·b + c</c> for hardware without a fused multiply-add (x86 before AVX2/FMA3, or with
/// <c>DOTNET_EnableAVX2=0</c> / <c>DOTNET_EnableHWIntrinsic=0</c>). Every path then computes the same fused
/// result as the FMA instruction, so the elementary functions can use it and stay identical everywhere.
/// </summary>
/// <remarks>
/// Float: the product of two floats is exact in double (48 ≤ 53 bits) and cannot overflow or underflow there,
/// so <c>s = (double)a·b + c</c> is the exact result rounded once to double. Rounding s to float then gives the
/// correctly rounded fused result unless s is exactly halfway between two floats (the double rounding could
/// have landed on that midpoint; it cannot cross it, rounding being monotonic) or lies in the float subnormal
/// range (fewer float bits, other midpoints). On a midpoint, s is the exact result when the double sum was exact
/// (its error, from the two-sum, is zero: common, e.g. for sums of few significant bits), and otherwise the exact
/// result lies on the error's side of it: s moved one double step that way rounds to float correctly. Only the
/// subnormal range goes to <see cref="MathF.FusedMultiplyAdd"/>, the runtime's exact (if slow) software or
/// hardware FMA. Double uses <see cref="Math.FusedMultiplyAdd"/>.
/// </remarks>
internal static class FusedMultiplyAdd
{
    // Bits below a float's 24-bit significand in a double: exactly the pattern 1000…0 marks a float midpoint.
    private const long BelowFloat = 0x1FFFFFFF;
    private const long Midpoint = 0x10000000;
    // |s| < 2^-126 (float subnormal range or zero), as the double's bits without the sign.
    private const long SmallestNormalFloatBits = (1023L - 126) << 52;
    // The bits of 1.0: or-ed into a midpoint's low bits, they make a normal double to compare.
    private const long OneBits = 0x3FF0000000000000;

    /// <summary>Fused a·b + c in float, correctly rounded, without an FMA instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Single(float a, float b, float c)
    {
        double s = (double)a * b + c;
        long bits = BitConverter.DoubleToInt64Bits(s);
        long magnitude = bits & long.MaxValue;
        if ((bits & BelowFloat) == Midpoint || (magnitude < SmallestNormalFloatBits && magnitude != 0))
        {
            return SingleRare(a, b, c);
        }
        return (float)s;
    }

    /// <summary>
    /// a·b + c rounded from double, without the exact path: <paramref name="inexact"/> is made non-zero where that
    /// may not be the fused result (<see cref="IVec{TSelf, T}.MultiplyAddDeferred"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SingleDeferred(float a, float b, float c, ref int inexact)
    {
        double s = (double)a * b + c;
        long bits = BitConverter.DoubleToInt64Bits(s);
        // Negative where s may not round to the fused result, in 32-bit integer steps without compares: a float
        // midpoint (the low word's bits below a float's xor the midpoint's are 0, less one −1) or 0 < |s| < 2^-126
        // (the high word's magnitude m in [1, its bits): m − 1 below their bits less one, and m − 1 not −1; a
        // non-zero s of a float fused step is a normal double, so m = 0 only for ±0, which is exact and common: the
        // polynomial steps of a tiny argument's log1p).
        int magnitudeLess1 = ((int)(bits >> 32) & int.MaxValue) - 1;
        int tiny = (magnitudeLess1 - ((int)(SmallestNormalFloatBits >> 32) - 1)) & ~magnitudeLess1;
        int suspect = ((((int)bits & (int)BelowFloat) ^ (int)Midpoint) - 1) | tiny;
        inexact |= suspect >> 31;
        return (float)s;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float SingleRare(float a, float b, float c)
    {
        double p = (double)a * b;
        double s = p + c;
        long bits = BitConverter.DoubleToInt64Bits(s);
        long magnitude = bits & long.MaxValue;
        if (magnitude < SmallestNormalFloatBits)
        {
            return MathF.FusedMultiplyAdd(a, b, c);
        }
        // A float midpoint: the two-sum's error says on which side of s the exact a·b + c lies.
        double fromP = s - p;
        double error = (p - (s - fromP)) + (c - fromP);
        if (error == 0)
        {
            return (float)s;
        }
        return (float)BitConverter.Int64BitsToDouble(bits + ((error > 0) == (s > 0) ? 1 : -1));
    }

    /// <summary>Fused a·b + c on four float lanes, correctly rounded, without an FMA instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Single(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        => Avx.IsSupported ? SingleAvx(a, b, c) : SingleSse(a, b, c);

    /// <summary>
    /// <see cref="Single(Vector128{float}, Vector128{float}, Vector128{float})"/> with AVX but no FMA (Sandy and Ivy
    /// Bridge, or AVX2 disabled): the four lanes in one 256-bit double vector, half the instructions of two
    /// 128-bit halves (SSE cross-entropy ~1.7x and BCE with logits ~1.5x faster).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> SingleAvx(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
        Vector256<double> s = SumAvx(a, b, c);
        return RareLanes(s) != 0 ? SingleRare(a, b, c) : Avx.ConvertToVector128Single(s);
    }

    /// <summary>The four lanes' a·b + c in double with AVX: the product exact, the sum rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> SumAvx(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        => Avx.Add(Avx.Multiply(Avx.ConvertToVector256Double(a), Avx.ConvertToVector256Double(b)), Avx.ConvertToVector256Double(c));

    /// <summary>
    /// The lanes of <paramref name="s"/> that need the exact path, as a bit mask, with AVX's
    /// floating-point operations only (its integer compares need AVX2): a midpoint's low bits, given the exponent of
    /// 1.0, are the normal double 1 + 2^-24 (compared as a number: no subnormal operand); the subnormal range is
    /// compared as magnitudes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RareLanes(Vector256<double> s)
    {
        Vector256<double> magnitude = Avx.And(s, Vector256.Create(long.MaxValue).AsDouble());
        return Avx.MoveMask(Avx.Or(
            Avx.CompareEqual(Avx.Or(Avx.And(s, Vector256.Create(BelowFloat).AsDouble()), Vector256.Create(OneBits).AsDouble()), Vector256.Create(Midpoint | OneBits).AsDouble()),
            Avx.AndNot(Avx.CompareEqual(magnitude, Vector256<double>.Zero), Avx.CompareLessThan(magnitude, Vector256.Create((double)SmallestNormalFloat)))));
    }

    /// <summary>The four lanes' a·b + c rounded from double, without the exact path (see <see cref="SingleDeferred(float, float, float, ref int)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SingleDeferred(Vector128<float> a, Vector128<float> b, Vector128<float> c, ref int inexact)
    {
        if (Avx.IsSupported)
        {
            Vector256<double> s = SumAvx(a, b, c);
            inexact |= RareLanes(s);
            return Avx.ConvertToVector128Single(s);
        }
        Vector128<double> low = Vector128.WidenLower(a) * Vector128.WidenLower(b) + Vector128.WidenLower(c);
        Vector128<double> high = Vector128.WidenUpper(a) * Vector128.WidenUpper(b) + Vector128.WidenUpper(c);
        inexact |= Unsafe.BitCast<bool, byte>(NeedsExactPath(low) | NeedsExactPath(high));
        return Vector128.Narrow(low, high);
    }

    /// <summary><see cref="Single(Vector128{float}, Vector128{float}, Vector128{float})"/> in two 128-bit double halves (SSE only, or AdvSimd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> SingleSse(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
        Vector128<double> low = Vector128.WidenLower(a) * Vector128.WidenLower(b) + Vector128.WidenLower(c);
        Vector128<double> high = Vector128.WidenUpper(a) * Vector128.WidenUpper(b) + Vector128.WidenUpper(c);
        if (NeedsExactPath(low) || NeedsExactPath(high))
        {
            return SingleRare(a, b, c);
        }
        return Vector128.Narrow(low, high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NeedsExactPath(Vector128<double> s)
    {
        Vector128<long> bits = s.AsInt64();
        Vector128<long> magnitude = bits & Vector128.Create(long.MaxValue);
        Vector128<long> midpoint = Vector128.Equals(bits & Vector128.Create(BelowFloat), Vector128.Create(Midpoint));
        Vector128<long> small = Vector128.LessThan(magnitude, Vector128.Create(SmallestNormalFloatBits))
            & ~Vector128.Equals(magnitude, Vector128<long>.Zero);
        return (midpoint | small) != Vector128<long>.Zero;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector128<float> SingleRare(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        => Vector128.Create(
            Single(a.GetElement(0), b.GetElement(0), c.GetElement(0)),
            Single(a.GetElement(1), b.GetElement(1), c.GetElement(1)),
            Single(a.GetElement(2), b.GetElement(2), c.GetElement(2)),
            Single(a.GetElement(3), b.GetElement(3), c.GetElement(3)));

    // The smallest normal float, 2^-126.
    private const float SmallestNormalFloat = 1.17549435e-38f;

    /// <summary>Fused q·s + s in float for s a normal power of two or zero, without an FMA instruction.</summary>
    /// <remarks>
    /// (1 + q)·s has the fused bits: 1 + q is rounded once, and a multiply by a power of two is exact while the
    /// result is normal. A result in the subnormal range, where that would be a second rounding, takes
    /// <see cref="Single(float, float, float)"/>. The general emulation would cost several times more here, and land on
    /// a float midpoint in up to a quarter of the lanes (1 + q has few bits below a float's).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SingleScale(float q, float s)
    {
        float result = (1 + q) * s;
        float magnitude = MathF.Abs(result);
        return magnitude < SmallestNormalFloat && magnitude != 0 ? Single(q, s, s) : result;
    }

    /// <summary><see cref="SingleScale(float, float)"/> without its exact path: <paramref name="inexact"/> is made non-zero for a subnormal result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SingleScaleDeferred(float q, float s, ref int inexact)
    {
        float result = (1 + q) * s;
        float magnitude = MathF.Abs(result);
        inexact |= Unsafe.BitCast<bool, byte>(magnitude < SmallestNormalFloat & magnitude != 0);
        return result;
    }

    /// <summary><see cref="SingleScale(Vector128{float}, Vector128{float})"/> without its exact path: <paramref name="inexact"/> is made non-zero for a subnormal result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SingleScaleDeferred(Vector128<float> q, Vector128<float> s, ref int inexact)
    {
        Vector128<float> result = (Vector128<float>.One + q) * s;
        Vector128<float> magnitude = Vector128.Abs(result);
        inexact |= (int)(Vector128.LessThan(magnitude, Vector128.Create(SmallestNormalFloat)) & ~Vector128.Equals(magnitude, Vector128<float>.Zero)).ExtractMostSignificantBits();
        return result;
    }

    /// <summary>Fused q·s + s on four float lanes for s a normal power of two or zero (see <see cref="SingleScale(float, float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SingleScale(Vector128<float> q, Vector128<float> s)
    {
        Vector128<float> result = (Vector128<float>.One + q) * s;
        Vector128<float> magnitude = Vector128.Abs(result);
        if ((Vector128.LessThan(magnitude, Vector128.Create(SmallestNormalFloat)) & ~Vector128.Equals(magnitude, Vector128<float>.Zero)) != Vector128<float>.Zero)
        {
            return Single(q, s, s);
        }
        return result;
    }

    /// <summary>Fused a·b + c on two double lanes, lane by lane with the runtime's exact FMA.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Vector128<double> Double(Vector128<double> a, Vector128<double> b, Vector128<double> c)
        => Vector128.Create(
            Math.FusedMultiplyAdd(a.GetElement(0), b.GetElement(0), c.GetElement(0)),
            Math.FusedMultiplyAdd(a.GetElement(1), b.GetElement(1), c.GetElement(1)));
}
