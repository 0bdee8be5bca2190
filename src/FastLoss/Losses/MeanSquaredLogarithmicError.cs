using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Mean squared logarithmic error: the reduced <c>(log(1 + p) − log(1 + t))²</c>, as Keras's <c>mean_squared_logarithmic_error</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>, each above −1.</param>
    /// <param name="targets">The targets <c>t</c>, each above −1, as many as <paramref name="predictions"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element <c>(log1p(p) − log1p(t))²</c>; derivative <c>2(log1p(p) − log1p(t))/(1 + p)</c>. <c>Mean</c> divides by the
    /// number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. NaN propagates. Bit-identical on every CPU.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prediction or target is −1 or less, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MeanSquaredLogarithmicError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MeanSquaredLogarithmicErrorForm(predictions, targets, default, reduction, Form.Value));

    /// <summary>Mean squared logarithmic error, and its gradient in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>, each above −1.</param>
    /// <param name="targets">The targets <c>t</c>, each above −1, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prediction or target is −1 or less, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MeanSquaredLogarithmicError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MeanSquaredLogarithmicErrorForm(predictions, targets, gradient, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="MeanSquaredLogarithmicError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>, each above −1.</param>
    /// <param name="targets">The targets <c>t</c>, each above −1.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prediction or target is −1 or less.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void MeanSquaredLogarithmicErrorPerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MeanSquaredLogarithmicErrorForm(predictions, targets, destination, Reduction.Sum, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double MeanSquaredLogarithmicErrorForm<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        normalization.Check();
        Guard.Above(predictions, T.NegativeOne);
        Guard.Above(targets, T.NegativeOne);
        return Pointwise.Run(predictions, targets, default, output, new SquaredLogarithmicErrorOperator<T>(), normalization, form);
    }
}

/// <summary>(log1p(p) − log1p(t))²; gradient 2(log1p(p) − log1p(t))/(1 + p).</summary>
internal readonly struct SquaredLogarithmicErrorOperator<T> : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        TVec d = VMath.Log1p<TVec, T>(x) - VMath.Log1p<TVec, T>(y);
        return d * d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec d = VMath.Log1p<TVec, T>(x) - VMath.Log1p<TVec, T>(y);
        gradient = (d + d) / (x + TVec.CreateConstant(1.0)) * scale;
        return d * d;
    }
}
