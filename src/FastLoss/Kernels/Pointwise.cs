using System;
using System.Numerics;
using System.Runtime.CompilerServices;

using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>Which overload of a loss is running: the reduced value, the value and its gradient, or the unreduced losses (one per element or row).</summary>
internal enum Form
{
    Value,
    Fused,
    PerElement,
}

/// <summary>
/// What a loss divides by: for a <see cref="FastLoss.Reduction"/>, the value and the gradient both by the loss's own
/// weight (its element or row count, or its summed class weights) for <c>Mean</c> and by 1 for <c>Sum</c>; for a
/// shard (<see cref="Shard"/>), the value by nothing (the shard's plain sum, merged later) and the gradient by the
/// whole batch's weight, so that each shard writes the gradient its elements get in the one call over the batch.
/// </summary>
internal readonly struct Normalization
{
    private readonly Reduction _reduction;
    private readonly double _batchWeight; // > 0 for a shard, 0 for a reduction

    private Normalization(Reduction reduction, double batchWeight)
    {
        _reduction = reduction;
        _batchWeight = batchWeight;
    }

    public static implicit operator Normalization(Reduction reduction) => new(reduction, 0);

    /// <summary>A shard of a batch whose weight is <paramref name="batchWeight"/>: positive and finite (checked here, so before anything is written).</summary>
    public static Normalization Shard(double batchWeight, [CallerArgumentExpression(nameof(batchWeight))] string? name = null)
    {
        if (!(batchWeight > 0) || double.IsPositiveInfinity(batchWeight))
        {
            throw new ArgumentOutOfRangeException(name, batchWeight,
                $"{name} must be the whole batch's weight (its merged LossPartial.Weight, or 1 for the gradient of a sum): positive and finite.");
        }
        return new(Reduction.Sum, batchWeight);
    }

    /// <summary>Checks the reduction (a shard's batch weight was checked when it was made).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Check()
    {
        if (_batchWeight == 0)
        {
            Guard.Reduction(_reduction);
        }
    }

    private bool IsMean
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _batchWeight == 0 && _reduction == Reduction.Mean;
    }

    /// <summary>What the sum of the losses is divided by: <paramref name="weight"/> for <c>Mean</c>, else 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double ValueDivisor(double weight) => IsMean ? weight : 1;

    /// <summary>What the gradient is divided by: <paramref name="weight"/> for <c>Mean</c>, the batch's weight for a shard, else 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double GradientDivisor(double weight) => _batchWeight != 0 ? _batchWeight : IsMean ? weight : 1;

    /// <summary>The factor of the gradient in <typeparamref name="T"/>: <c>1/GradientDivisor</c> rounded once (exactly 1 for <c>Sum</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T GradientScale<T>(double weight) where T : IBinaryFloatingPointIeee754<T> => T.CreateTruncating(1.0 / GradientDivisor(weight));
}

/// <summary>The reductions shared by every element-wise loss (arguments already checked).</summary>
internal static class Pointwise
{
    /// <summary>
    /// Runs <paramref name="op"/> over the elements in the given form: returns the sum of the terms divided by
    /// <see cref="Normalization.ValueDivisor"/> of the count (NaN for an empty <c>Mean</c>), writes the gradient
    /// (fused) or each term (per element, returning 0) into <paramref name="output"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Run<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, Span<T> output, in TOp op, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        => Run(x, y, w, output, default, in op, normalization, form);

    /// <summary>
    /// As above for an operator with two gradients (<see cref="ITwoGradientLoss"/>): fused, the first
    /// into <paramref name="output"/> and the second into <paramref name="output2"/>, either of which may be empty
    /// (not asked for); per element, the losses into <paramref name="output"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Run<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, Span<T> output, Span<T> output2, in TOp op, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
    {
        KernelPath path = KernelPaths.Active;
        int n = x.Length;
        if (form == Form.PerElement)
        {
            if (n != 0)
            {
                Dispatch.Pointwise<T, TOp, PerElementMode>(path, x, y, w, output, default, in op, T.One, 1);
            }
            return 0;
        }
        double divisor = normalization.ValueDivisor(n);
        if (n == 0)
        {
            return 0 / divisor;
        }
        return form == Form.Fused
            ? Dispatch.Pointwise<T, TOp, FusedMode>(path, x, y, w, output, output2, in op, normalization.GradientScale<T>(n), divisor)
            : Dispatch.Pointwise<T, TOp, ValueMode>(path, x, y, w, default, default, in op, T.One, divisor);
    }
}
