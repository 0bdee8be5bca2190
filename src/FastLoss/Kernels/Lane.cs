using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>Small lane helpers shared by the operators.</summary>
internal static class Lane
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Of<TVec, T>(double value) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TVec.CreateConstant(value);

    /// <summary>The largest finite value of <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxFinite<T>() where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? Unsafe.BitCast<float, T>(float.MaxValue) : Unsafe.BitCast<double, T>(double.MaxValue);

    /// <summary>|x| (clears the sign bit; NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Abs<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TVec.AndNot(x, TVec.CreateConstant(-0.0));

    /// <summary>The magnitude of <paramref name="magnitude"/> (assumed non-negative) with the sign of <paramref name="sign"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec CopySign<TVec, T>(TVec magnitude, TVec sign) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => magnitude | (sign & TVec.CreateConstant(-0.0));

    /// <summary>sign(d)·<paramref name="scale"/> for a scale of either sign (an objective's negative weight): 0 where d = 0, NaN where d is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec SignTimes<TVec, T>(TVec d, TVec scale) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TVec zero = TVec.CreateConstant(0.0);
        TVec signed = TVec.Select(TVec.Equal(d, zero), zero, scale ^ (d & TVec.CreateConstant(-0.0)));
        return TVec.Select(TVec.Equal(d, d), signed, d);
    }
}
