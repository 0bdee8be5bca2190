using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastLoss.Simd;

/// <summary>
/// Conversions between double and float or double that the JIT folds to a constant or one
/// instruction. Kernels use these instead of the generic-math members (<c>T.CreateTruncating</c>,
/// <c>T.Zero</c>, …), which are not marked for aggressive inlining and so use up the JIT's inlining
/// budget in the large inline trees of the kernels.
/// </summary>
internal static class Constant
{
    /// <summary><paramref name="value"/> rounded to <typeparamref name="T"/> (float or double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Of<T>(double value) where T : unmanaged
        => typeof(T) == typeof(float) ? Unsafe.BitCast<float, T>((float)value) : Unsafe.BitCast<double, T>(value);

    /// <summary><paramref name="value"/> (float or double) as a double, exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble<T>(T value) where T : unmanaged
        => typeof(T) == typeof(float) ? Unsafe.BitCast<T, float>(value) : Unsafe.BitCast<T, double>(value);
}
