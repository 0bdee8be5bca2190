using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Quantile (pinball) loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="quantile">The quantile τ, strictly between 0 and 1.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element, with <c>u = t − p</c>: <c>max(τu, (τ − 1)u)</c>; derivative with respect to <c>p</c>: <c>−τ</c> where <c>t &gt; p</c>, <c>1 − τ</c> where <c>t &lt; p</c>, 0 where they are equal. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="predictions"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Quantile<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T quantile, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(QuantileForm(predictions, targets, default, quantile, reduction, Form.Value));

    /// <summary>Quantile (pinball) loss. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/> (in place).</param>
    /// <param name="quantile">The quantile τ, strictly between 0 and 1.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element, with <c>u = t − p</c>: <c>max(τu, (τ − 1)u)</c>; derivative with respect to <c>p</c>: <c>−τ</c> where <c>t &gt; p</c>, <c>1 − τ</c> where <c>t &lt; p</c>, 0 where they are equal. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Quantile<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, T quantile, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(QuantileForm(predictions, targets, gradient, quantile, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="Quantile{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="quantile">The quantile τ, strictly between 0 and 1.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> is out of range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void QuantilePerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination, T quantile)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => QuantileForm(predictions, targets, destination, quantile, Reduction.Sum, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double QuantileForm<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, T quantile, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        Guard.OpenUnitInterval(quantile);
        normalization.Check();
        return Pointwise.Run(predictions, targets, default, output, new QuantileOperator<T>(quantile), normalization, form);
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.Quantile{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="quantile">The quantile q, in (0, 1).</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.Quantile{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.Quantile{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial Quantile<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T quantile)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.QuantileForm(predictions, targets, default, quantile, Reduction.Sum, Form.Value), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.Quantile{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions</c> of the batch's loss, for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="quantile">The quantile q, in (0, 1).</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.Quantile{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.Quantile{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial Quantile<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient, T quantile)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.QuantileForm(predictions, targets, gradient, quantile, Normalization.Shard(batchWeight), Form.Fused), predictions.Length);
}

public static partial class ObjectiveTerm
{
    /// <summary><paramref name="weight"/> · <see cref="Loss.Quantile{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>; <paramref name="quantile"/> in (0, 1).</summary>
    public static ObjectiveTerm<T> Quantile<T>(T weight, T quantile) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.OpenUnitInterval(quantile);
        return new OperatorTerm<T, QuantileOperator<T>>($"Quantile(quantile={quantile})", weight, new(quantile));
    }
}

/// <summary>Pinball loss: max(τ(t − p), (τ − 1)(t − p)); gradient −τ where t &gt; p, 1 − τ where t &lt; p, 0 where equal.</summary>
internal readonly struct QuantileOperator<T>(T quantile) : IPointwiseLoss<T>, ILargeCheapLoss where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        TVec u = y - x;
        TVec tau = TVec.Create(quantile);
        return TVec.Select(TVec.GreaterThanOrEqual(u, TVec.CreateConstant(0.0)), tau * u, (tau - Lane.Of<TVec, T>(1.0)) * u);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec u = y - x;
        TVec zero = TVec.CreateConstant(0.0);
        TVec tau = TVec.Create(quantile);
        TVec tauMinusOne = tau - Lane.Of<TVec, T>(1.0);
        gradient = TVec.Select(TVec.GreaterThan(u, zero), -(tau * scale), TVec.Select(TVec.LessThan(u, zero), -(tauMinusOne * scale), u * zero));
        return TVec.Select(TVec.GreaterThanOrEqual(u, zero), tau * u, tauMinusOne * u);
    }
}
