using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastLoss.Kernels;

/// <summary>The reductions shared by every element-wise loss (arguments already checked).</summary>
internal static class Pointwise
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Value<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, in TOp op, Reduction reduction)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
    {
        if (x.IsEmpty)
        {
            return Empty<T>(reduction);
        }
        return T.CreateTruncating(Dispatch.Pointwise<T, TOp, ValueMode>(x, y, w, default, in op, T.One, Divisor(x.Length, reduction)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Fused<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, Span<T> gradient, in TOp op, Reduction reduction)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
    {
        if (x.IsEmpty)
        {
            return Empty<T>(reduction);
        }
        T scale = reduction == Reduction.Mean ? T.CreateTruncating(1.0 / x.Length) : T.One;
        return T.CreateTruncating(Dispatch.Pointwise<T, TOp, FusedMode>(x, y, w, gradient, in op, scale, Divisor(x.Length, reduction)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PerElement<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, Span<T> destination, in TOp op)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
    {
        if (!x.IsEmpty)
        {
            Dispatch.Pointwise<T, TOp, PerElementMode>(x, y, w, destination, in op, T.One, 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Empty<T>(Reduction reduction) where T : IBinaryFloatingPointIeee754<T>
        => reduction == Reduction.Sum ? T.Zero : T.NaN;

    /// <summary>What the sum of the terms is divided by: the count for <c>Mean</c>, 1 for <c>Sum</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Divisor(int count, Reduction reduction) => reduction == Reduction.Mean ? count : 1;
}
