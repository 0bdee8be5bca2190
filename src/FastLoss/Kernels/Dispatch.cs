using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>Picks the vector type for <see cref="KernelPaths.Active"/> and runs a driver with it.</summary>
internal static class Dispatch
{
    /// <summary>
    /// Runs an element-wise loss over equal-length spans (weights and output may be empty when unused) and returns
    /// the sum of its terms divided by <paramref name="divisor"/> (the element count for a mean, 1 for a sum).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Pointwise<T, TOp, TMode>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, Span<T> output, in TOp op, T gradientScale, double divisor)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
        => Pointwise<T, TOp, TMode>(KernelPaths.Active, x, y, w, output, in op, gradientScale, divisor);

    /// <summary>As above on a given path (for tests).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Pointwise<T, TOp, TMode>(KernelPath path, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, Span<T> output, in TOp op, T gradientScale, double divisor)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
        => Pointwise<T, TOp, TMode>(path, x, y, w, output, default, in op, gradientScale, divisor);

    /// <summary>
    /// As above for an operator with two gradients (<see cref="ITwoGradientLoss"/>): the second into
    /// <paramref name="output2"/>; an empty output is not written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Pointwise<T, TOp, TMode>(KernelPath path, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, Span<T> output, Span<T> output2, in TOp op, T gradientScale, double divisor)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        // An empty span may still point into an array: make it the null reference that means "not asked for".
        output = output.IsEmpty ? default : output;
        output2 = output2.IsEmpty ? default : output2;
        return path switch
        {
            KernelPath.Vector512 => PointwiseDriver.Run<T, W512<T>, TOp, TMode>(x, y, w, output, output2, in op, gradientScale, divisor, scalar: false),
            KernelPath.Vector256 => PointwiseDriver.Run<T, W256<T>, TOp, TMode>(x, y, w, output, output2, in op, gradientScale, divisor, scalar: false),
            KernelPath.Vector128 => PointwiseDriver.Run<T, W128<T>, TOp, TMode>(x, y, w, output, output2, in op, gradientScale, divisor, scalar: false),
            _ => PointwiseDriver.Run<T, WScalar<T>, TOp, TMode>(x, y, w, output, output2, in op, gradientScale, divisor, scalar: true),
        };
    }

    /// <summary>Runs softmax cross-entropy on <see cref="KernelPaths.Active"/>; returns the sum of the row losses times ρ (see <see cref="CrossEntropyKernel.RunScaled"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double CrossEntropyScaled<T, TSoft, TWeights>(scoped in CrossEntropyProblem<T> problem)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        // The scalar path runs the logical width in one emulated vector of single lanes (a part of 16).
        return KernelPaths.Active switch
        {
            KernelPath.Vector512 => CrossEntropyKernel.RunScaled<T, W512<T>, TSoft, TWeights>(in problem),
            KernelPath.Vector256 => CrossEntropyKernel.RunScaled<T, W256<T>, TSoft, TWeights>(in problem),
            KernelPath.Vector128 => CrossEntropyKernel.RunScaled<T, W128<T>, TSoft, TWeights>(in problem),
            _ => typeof(T) == typeof(float)
                ? CrossEntropyKernel.RunScaled<T, Quad<Quad<WScalar<T>, T>, T>, TSoft, TWeights>(in problem)
                : CrossEntropyKernel.RunScaled<T, Pair<Quad<WScalar<T>, T>, T>, TSoft, TWeights>(in problem),
        };
    }
}
