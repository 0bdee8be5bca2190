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
public static partial class Shard
{
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
}
