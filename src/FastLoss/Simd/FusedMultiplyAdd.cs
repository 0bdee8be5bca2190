using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
/// range (fewer float bits, other midpoints). Those rare cases go to <see cref="MathF.FusedMultiplyAdd"/>, the
/// runtime's exact (if slow) software or hardware FMA. Double uses <see cref="Math.FusedMultiplyAdd"/>.
/// </remarks>
internal static class FusedMultiplyAdd
{
    // Bits below a float's 24-bit significand in a double: exactly the pattern 1000…0 marks a float midpoint.
    private const long BelowFloat = 0x1FFFFFFF;
    private const long Midpoint = 0x10000000;
    // |s| < 2^-126 (float subnormal range or zero), as the double's bits without the sign.
    private const long SmallestNormalFloatBits = (1023L - 126) << 52;

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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float SingleRare(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    /// <summary>Fused a·b + c on four float lanes, correctly rounded, without an FMA instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Single(Vector128<float> a, Vector128<float> b, Vector128<float> c)
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

    /// <summary>Fused a·b + c on two double lanes, lane by lane with the runtime's exact FMA.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Vector128<double> Double(Vector128<double> a, Vector128<double> b, Vector128<double> c)
        => Vector128.Create(
            Math.FusedMultiplyAdd(a.GetElement(0), b.GetElement(0), c.GetElement(0)),
            Math.FusedMultiplyAdd(a.GetElement(1), b.GetElement(1), c.GetElement(1)));
}
