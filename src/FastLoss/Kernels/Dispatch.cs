using System;
using System.Numerics;
using System.Runtime.InteropServices;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>Picks the vector type for <see cref="KernelPaths.Active"/> and runs a driver with it.</summary>
internal static class Dispatch
{
    /// <summary>Runs an element-wise loss over equal-length spans (weights and output may be empty when unused).</summary>
    public static double Pointwise<T, TOp, TMode>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, Span<T> output, in TOp op, T gradientScale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
        => Pointwise<T, TOp, TMode>(KernelPaths.Active, x, y, w, output, in op, gradientScale, -1);

    /// <summary>As above on a given path, optionally with a forced alignment peel (for tests).</summary>
    internal static double Pointwise<T, TOp, TMode>(KernelPath path, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, Span<T> output, in TOp op, T gradientScale, int forcedHead)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T wr = ref MemoryMarshal.GetReference(w);
        ref T or = ref MemoryMarshal.GetReference(output);
        nuint n = (nuint)x.Length;
        switch (path)
        {
            case KernelPath.Vector512:
                return PointwiseDriver.Run<T, W512<T>, TOp, TMode>(ref xr, ref yr, ref wr, ref or, n, in op, gradientScale, forcedHead);
            case KernelPath.Vector256:
                return PointwiseDriver.Run<T, Pair<W256<T>, T>, TOp, TMode>(ref xr, ref yr, ref wr, ref or, n, in op, gradientScale, forcedHead);
            case KernelPath.Vector128:
                return PointwiseDriver.Run<T, Pair<Pair<W128<T>, T>, T>, TOp, TMode>(ref xr, ref yr, ref wr, ref or, n, in op, gradientScale, forcedHead);
            default:
                return typeof(T) == typeof(float)
                    ? PointwiseDriver.Run<T, Pair<Pair<Pair<Pair<WScalar<T>, T>, T>, T>, T>, TOp, TMode>(ref xr, ref yr, ref wr, ref or, n, in op, gradientScale, forcedHead)
                    : PointwiseDriver.Run<T, Pair<Pair<Pair<WScalar<T>, T>, T>, T>, TOp, TMode>(ref xr, ref yr, ref wr, ref or, n, in op, gradientScale, forcedHead);
        }
    }

    /// <summary>Runs softmax cross-entropy on <see cref="KernelPaths.Active"/>; returns the sum of the row losses times ρ (see <see cref="CrossEntropyKernel.RunScaled"/>).</summary>
    public static double CrossEntropyScaled<T, TSoft, TWeights>(scoped in CrossEntropyProblem<T> problem)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        switch (KernelPaths.Active)
        {
            case KernelPath.Vector512:
                return CrossEntropyKernel.RunScaled<T, W512<T>, TSoft, TWeights>(in problem);
            case KernelPath.Vector256:
                return CrossEntropyKernel.RunScaled<T, Pair<W256<T>, T>, TSoft, TWeights>(in problem);
            case KernelPath.Vector128:
                return CrossEntropyKernel.RunScaled<T, Pair<Pair<W128<T>, T>, T>, TSoft, TWeights>(in problem);
            default:
                return typeof(T) == typeof(float)
                    ? CrossEntropyKernel.RunScaled<T, Pair<Pair<Pair<Pair<WScalar<T>, T>, T>, T>, T>, TSoft, TWeights>(in problem)
                    : CrossEntropyKernel.RunScaled<T, Pair<Pair<Pair<WScalar<T>, T>, T>, T>, TSoft, TWeights>(in problem);
        }
    }
}
