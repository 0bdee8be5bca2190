using System;
using System.Numerics;
using FastLoss.Kernels;

namespace FastLoss;

/// <summary>
/// Losses over the shards of a batch (data-parallel training: each thread, process or machine takes a shard): each
/// method returns the shard's <see cref="LossPartial"/> (the sum of its losses and the weight a mean divides by),
/// and its fused overload writes the gradient the shard's elements get in one call over the whole batch.
/// </summary>
/// <remarks>
/// <para>Merged (<see cref="LossPartial.Merge(LossPartial)"/>, in any order or grouping), the partials give the
/// batch's: its <see cref="LossPartial.Mean"/> is what <see cref="Loss"/>'s <c>Mean</c> returns for the whole batch,
/// and its <see cref="LossPartial.Sum"/> the <c>Sum</c>, to rounding (the shards add their losses in another order).</para>
/// <para>The gradient needs the batch's weight: pass it as <c>batchWeight</c>. For the element-wise losses it is
/// the batch's element count (rows for <c>KullbackLeiblerDivergence</c> and soft-target <c>CrossEntropy</c>),
/// known before the pass; for <c>CrossEntropy</c> and <c>NegativeLogLikelihood</c> with labels it is the summed
/// class weight of the rows that count: merge the shards' <see cref="LabelWeight{T}"/> first (a pass over the
/// labels only; their count of rows that count without class weights). Pass 1 for the gradient of the
/// <c>Sum</c>. With the batch's weight each element's gradient is bit for bit the one call's, on every CPU and
/// for any split. The root mean squared error, whose gradient needs the batch's value, takes two steps: merge the
/// shards' <see cref="RootMeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>, then
/// <see cref="RootMeanSquaredErrorGradient{T}"/>.</para>
/// <para>Arguments are checked as by the loss itself (the same exceptions, before anything is written); nothing
/// is allocated.</para>
/// </remarks>
public static class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.MeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.MeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.MeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial MeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.MeanSquaredErrorForm(predictions, targets, default, Reduction.Sum, Form.Value), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.MeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions</c> of the batch's loss, for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.MeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.MeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial MeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.MeanSquaredErrorForm(predictions, targets, gradient, Normalization.Shard(batchWeight), Form.Fused), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial MeanAbsoluteError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.MeanAbsoluteErrorForm(predictions, targets, default, Reduction.Sum, Form.Value), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions</c> of the batch's loss, for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial MeanAbsoluteError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.MeanAbsoluteErrorForm(predictions, targets, gradient, Normalization.Shard(batchWeight), Form.Fused), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="delta">δ, where the loss turns from quadratic to linear; positive.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial Huber<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HuberForm(predictions, targets, default, delta, Reduction.Sum, Form.Value), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions</c> of the batch's loss, for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="delta">δ, where the loss turns from quadratic to linear; positive.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial Huber<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient, T delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HuberForm(predictions, targets, gradient, delta, Normalization.Shard(batchWeight), Form.Fused), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="beta">β, the width of the quadratic zone; not negative (0 is the absolute error).</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SmoothL1<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T beta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.SmoothL1Form(predictions, targets, default, beta, Reduction.Sum, Form.Value), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions</c> of the batch's loss, for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="beta">β, the width of the quadratic zone; not negative (0 is the absolute error).</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SmoothL1<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient, T beta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.SmoothL1Form(predictions, targets, gradient, beta, Normalization.Shard(batchWeight), Form.Fused), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial LogCosh<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.LogCoshForm(predictions, targets, default, Reduction.Sum, Form.Value), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions</c> of the batch's loss, for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial LogCosh<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.LogCoshForm(predictions, targets, gradient, Normalization.Shard(batchWeight), Form.Fused), predictions.Length);

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

    /// <summary>The partial of one shard for <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logRates">The log-rates <c>x</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial PoissonNegativeLogLikelihood<T>(ReadOnlySpan<T> logRates, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.PoissonNegativeLogLikelihoodForm(logRates, targets, default, Reduction.Sum, Form.Value), logRates.Length);

    /// <summary>The partial of one shard for <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logRates">The log-rates <c>x</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logRates</c> of the batch's loss, for this shard's elements: as long as <paramref name="logRates"/>, separate from the inputs or the very memory of <paramref name="logRates"/>.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial PoissonNegativeLogLikelihood<T>(ReadOnlySpan<T> logRates, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.PoissonNegativeLogLikelihoodForm(logRates, targets, gradient, Normalization.Shard(batchWeight), Form.Fused), logRates.Length);

    /// <summary>The partial of one shard for <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities <c>p</c> of the shard, each in [0, 1].</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="weights">Optional per-element weights of the shard (empty for none): as many as the inputs, none negative.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial BinaryCrossEntropy<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, ReadOnlySpan<T> weights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.BinaryCrossEntropyForm(probabilities, targets, default, Reduction.Sum, weights, Form.Value), probabilities.Length);

    /// <summary>The partial of one shard for <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities <c>p</c> of the shard, each in [0, 1].</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂probabilities</c> of the batch's loss, for this shard's elements: as long as <paramref name="probabilities"/>, separate from the inputs or the very memory of <paramref name="probabilities"/>.</param>
    /// <param name="weights">Optional per-element weights of the shard (empty for none): as many as the inputs, none negative.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial BinaryCrossEntropy<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient, ReadOnlySpan<T> weights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.BinaryCrossEntropyForm(probabilities, targets, gradient, Normalization.Shard(batchWeight), weights, Form.Fused), probabilities.Length);

    /// <summary>The partial of one shard for <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="weights">Optional per-element weights of the shard (empty for none): as many as the inputs, none negative.</param>
    /// <param name="positiveWeight">Optional weight of the positive term (PyTorch's <c>pos_weight</c>); not negative. Null means 1.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial BinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> weights = default, T? positiveWeight = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.BinaryCrossEntropyWithLogitsForm(logits, targets, default, Reduction.Sum, weights, positiveWeight, Form.Value), logits.Length);

    /// <summary>The partial of one shard for <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits</c> of the batch's loss, for this shard's elements: as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="weights">Optional per-element weights of the shard (empty for none): as many as the inputs, none negative.</param>
    /// <param name="positiveWeight">Optional weight of the positive term (PyTorch's <c>pos_weight</c>); not negative. Null means 1.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial BinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient, ReadOnlySpan<T> weights = default, T? positiveWeight = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.BinaryCrossEntropyWithLogitsForm(logits, targets, gradient, Normalization.Shard(batchWeight), weights, positiveWeight, Form.Fused), logits.Length);

    /// <summary>The partial of one shard for <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores <c>s</c> of the shard.</param>
    /// <param name="targets">The targets, each −1 or +1, as many as the scores.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial Hinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HingeForm<T, No>(scores, targets, default, Reduction.Sum, Form.Value), scores.Length);

    /// <summary>The partial of one shard for <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores <c>s</c> of the shard.</param>
    /// <param name="targets">The targets, each −1 or +1, as many as the scores.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂scores</c> of the batch's loss, for this shard's elements: as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial Hinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HingeForm<T, No>(scores, targets, gradient, Normalization.Shard(batchWeight), Form.Fused), scores.Length);

    /// <summary>The partial of one shard for <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores <c>s</c> of the shard.</param>
    /// <param name="targets">The targets, each −1 or +1, as many as the scores.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SquaredHinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HingeForm<T, Yes>(scores, targets, default, Reduction.Sum, Form.Value), scores.Length);

    /// <summary>The partial of one shard for <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores <c>s</c> of the shard.</param>
    /// <param name="targets">The targets, each −1 or +1, as many as the scores.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂scores</c> of the batch's loss, for this shard's elements: as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SquaredHinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HingeForm<T, Yes>(scores, targets, gradient, Normalization.Shard(batchWeight), Form.Fused), scores.Length);

    /// <summary>The partial of one shard for <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c> of the shard.</param>
    /// <param name="targets">The targets in [0, 1], as many as the logits.</param>
    /// <param name="alpha">The weight α of the positive class, at most 1; negative turns the weighting off.</param>
    /// <param name="gamma">The focusing exponent γ; not negative.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SigmoidFocal<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double alpha = 0.25, double gamma = 2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.SigmoidFocalForm(logits, targets, default, Reduction.Sum, alpha, gamma, Form.Value), logits.Length);

    /// <summary>The partial of one shard for <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c> of the shard.</param>
    /// <param name="targets">The targets in [0, 1], as many as the logits.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits</c> of the batch's loss, for this shard's elements: as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="alpha">The weight α of the positive class, at most 1; negative turns the weighting off.</param>
    /// <param name="gamma">The focusing exponent γ; not negative.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SigmoidFocal<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient, double alpha = 0.25, double gamma = 2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.SigmoidFocalForm(logits, targets, gradient, Normalization.Shard(batchWeight), alpha, gamma, Form.Fused), logits.Length);
    /// <summary>The weight of one shard's rows for <c>CrossEntropy</c> and <c>NegativeLogLikelihood</c> with labels: the summed class weight of its rows that are not ignored (their count without class weights). Merged over the shards, it is the <c>batchWeight</c> of their fused calls.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">The shard's labels: one class index per row, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes; positive.</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <returns>A partial with sum 0 and the shard's weight.</returns>
    /// <exception cref="ArgumentException"><paramref name="classWeights"/> is neither empty nor one per class.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive, a class weight is negative, or a label is out of range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial LabelWeight<T>(ReadOnlySpan<int> labels, int classes, ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.Classes(classes);
        Guard.Weights(classWeights, classes);
        return new LossPartial(0, MultiClass.LabelWeightTotal(labels, classes, classWeights, ignoreIndex));
    }

    /// <summary>The partial of one shard of rows for softmax <see cref="Loss.CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Reduction, ReadOnlySpan{T}, int, double)"/> with labels: the sum of its row losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The shard's rows of logits, row-major <c>[rows × classes]</c>.</param>
    /// <param name="labels">One class index per row of the shard, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <returns>The shard's partial: the sum of its weighted row losses, and the summed class weight of its rows that count (as <see cref="LabelWeight{T}"/>) as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Reduction, ReadOnlySpan{T}, int, double)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Reduction, ReadOnlySpan{T}, int, double)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double sum = Loss.CrossEntropyLabelsForm(logits, labels, classes, default, Reduction.Sum, classWeights, ignoreIndex, labelSmoothing, Form.Value, out CompensatedSum weight);
        return new LossPartial(sum, weight);
    }

    /// <summary>The partial of one shard of rows for softmax cross-entropy with labels, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The shard's rows of logits, row-major <c>[rows × classes]</c>.</param>
    /// <param name="labels">One class index per row of the shard, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="batchWeight">The whole batch's weight: the merged <see cref="LabelWeight{T}"/> of all shards (without class weights, the count of the batch's rows that are not ignored); 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits</c> of the batch's loss for this shard's rows (0 on ignored rows): as long as <paramref name="logits"/>, separate from it or the very same memory.</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Span{T}, Reduction, ReadOnlySpan{T}, int, double)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Span{T}, Reduction, ReadOnlySpan{T}, int, double)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, double batchWeight, Span<T> gradient,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double sum = Loss.CrossEntropyLabelsForm(logits, labels, classes, gradient, Normalization.Shard(batchWeight), classWeights, ignoreIndex, labelSmoothing, Form.Fused, out CompensatedSum weight);
        return new LossPartial(sum, weight);
    }

    /// <summary>The partial of one shard of rows for softmax <see cref="Loss.CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, double)"/> with target probabilities: the sum of its row losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The shard's rows of logits, row-major <c>[rows × classes]</c>.</param>
    /// <param name="targets">The shard's target probabilities, same shape.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <returns>The shard's partial: the sum of its row losses, and its row count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, double)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, double)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int classes, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.CrossEntropySoftForm(logits, targets, classes, default, Reduction.Sum, labelSmoothing, Form.Value), logits.Length / classes);

    /// <summary>The partial of one shard of rows for softmax cross-entropy with target probabilities, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The shard's rows of logits, row-major <c>[rows × classes]</c>.</param>
    /// <param name="targets">The shard's target probabilities, same shape.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="batchWeight">The whole batch's weight: its row count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits</c> of the batch's loss for this shard's rows: as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Span{T}, Reduction, double)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Span{T}, Reduction, double)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int classes, double batchWeight, Span<T> gradient, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.CrossEntropySoftForm(logits, targets, classes, gradient, Normalization.Shard(batchWeight), labelSmoothing, Form.Fused), logits.Length / classes);

    /// <summary>The partial of one shard of rows for <see cref="Loss.NegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Reduction, ReadOnlySpan{T}, int)"/>: the sum of its row losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">The shard's rows of log-probabilities, row-major <c>[rows × classes]</c>.</param>
    /// <param name="labels">One class index per row of the shard, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <returns>The shard's partial: the sum of its weighted row losses, and the summed class weight of its rows that count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.NegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Reduction, ReadOnlySpan{T}, int)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.NegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Reduction, ReadOnlySpan{T}, int)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial NegativeLogLikelihood<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<int> labels, int classes,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double sum = Loss.NegativeLogLikelihoodForm(logProbabilities, labels, classes, default, Reduction.Sum, classWeights, ignoreIndex, Form.Value, out CompensatedSum weight);
        return new LossPartial(sum, weight);
    }

    /// <summary>The partial of one shard of rows for the negative log-likelihood, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">The shard's rows of log-probabilities, row-major <c>[rows × classes]</c>.</param>
    /// <param name="labels">One class index per row of the shard, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="batchWeight">The whole batch's weight: the merged <see cref="LabelWeight{T}"/> of all shards; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logProbabilities</c> of the batch's loss for this shard's rows: as long as the input, separate from it or the very same memory.</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.NegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Span{T}, Reduction, ReadOnlySpan{T}, int)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.NegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Span{T}, Reduction, ReadOnlySpan{T}, int)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial NegativeLogLikelihood<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<int> labels, int classes, double batchWeight, Span<T> gradient,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double sum = Loss.NegativeLogLikelihoodForm(logProbabilities, labels, classes, gradient, Normalization.Shard(batchWeight), classWeights, ignoreIndex, Form.Fused, out CompensatedSum weight);
        return new LossPartial(sum, weight);
    }

    /// <summary>The partial of one shard of rows for <see cref="Loss.KullbackLeiblerDivergence{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, bool)"/>: the sum of its elements' terms.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">The shard's rows of log-probabilities, row-major <c>[rows × classes]</c>.</param>
    /// <param name="targets">The shard's target distribution, same shape.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="logTarget">Whether <paramref name="targets"/> holds log-probabilities.</param>
    /// <returns>The shard's partial: the sum of its terms, and its row count as its weight (<c>Mean</c> is PyTorch's <c>batchmean</c>).</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.KullbackLeiblerDivergence{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, bool)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.KullbackLeiblerDivergence{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, bool)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial KullbackLeiblerDivergence<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.KullbackLeiblerDivergenceForm(logProbabilities, targets, classes, default, Reduction.Sum, logTarget, Form.Value), logProbabilities.Length / classes);

    /// <summary>The partial of one shard of rows for the KL divergence, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">The shard's rows of log-probabilities, row-major <c>[rows × classes]</c>.</param>
    /// <param name="targets">The shard's target distribution, same shape.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="batchWeight">The whole batch's weight: its row count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logProbabilities</c> of the batch's loss for this shard's rows: as long as the input, separate from the inputs or the very memory of <paramref name="logProbabilities"/>.</param>
    /// <param name="logTarget">Whether <paramref name="targets"/> holds log-probabilities.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.KullbackLeiblerDivergence{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Span{T}, Reduction, bool)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.KullbackLeiblerDivergence{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Span{T}, Reduction, bool)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial KullbackLeiblerDivergence<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, double batchWeight, Span<T> gradient, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.KullbackLeiblerDivergenceForm(logProbabilities, targets, classes, gradient, Normalization.Shard(batchWeight), logTarget, Form.Fused), logProbabilities.Length / classes);

    /// <summary>The partial of one shard for <see cref="Loss.RootMeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>: the sum of its squared errors. The batch's RMSE is the square root of the merged partial's <see cref="LossPartial.Mean"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the predictions.</param>
    /// <returns>The shard's partial: <c>Σ(p − t)²</c> and its element count. The squares are summed as <c>MeanSquaredError</c> sums them, so, unlike the one call, they overflow where <c>|p − t|</c> exceeds about 1.8e19 (float) or 1.3e154 (double).</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial RootMeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MeanSquaredError(predictions, targets);

    /// <summary>
    /// The second step of a sharded root mean squared error: with the merged partial of all shards
    /// (<see cref="RootMeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>), writes this shard's part of the
    /// batch's gradient <c>(p − t)/(n·rmse)</c> (0 where the RMSE is 0) and returns the batch's RMSE.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the predictions.</param>
    /// <param name="batch">The merged partial of every shard of the batch; its weight positive.</param>
    /// <param name="gradient">Receives <c>∂rmse/∂predictions</c> for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <returns>The batch's RMSE, <c>sqrt(batch.Mean)</c>.</returns>
    /// <remarks>Each element's gradient is the one call's formula with the merged RMSE; that RMSE equals the one call's to rounding (its squares are added in another order), bit for bit for one shard.</remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> has no weight (an empty batch) or a negative or NaN sum.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T RootMeanSquaredErrorGradient<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, LossPartial batch, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(gradient, predictions, targets, default);
        if (!(batch.Weight > 0) || !(batch.Sum >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be the merged partial of a non-empty batch's squared errors: weight positive, sum not negative.");
        }
        double rms = Math.Sqrt(batch.Mean);
        // As Loss.RootMeanSquaredError: (p − t)·1/(n·rmse), the factor rounded once to T.
        T factor = rms == 0 ? T.Zero : T.CreateTruncating(1.0 / (batch.Weight * rms));
        Pointwise.Run(predictions, targets, default, gradient, new ScaledDifferenceOperator<T>(T.One, factor), Reduction.Sum, Form.PerElement);
        return T.CreateTruncating(rms);
    }
}
