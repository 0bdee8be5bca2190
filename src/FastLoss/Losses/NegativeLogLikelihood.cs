using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Negative log-likelihood of log-probabilities at integer labels, as PyTorch's <c>nll_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">Row-major <c>[rows × classes]</c> log-probabilities (for example a log-softmax).</param>
    /// <param name="labels">One class index per row, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="reduction"><c>Mean</c> (default) divides by the summed weight of the rows that count; <c>Sum</c> adds them.</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <returns>The reduced loss <c>Σ −w_y·x[r, y]</c> (over the denominator for <c>Mean</c>; NaN if every row is ignored).</returns>
    /// <remarks>Only the labelled entries are read. Rows are added in order in double, so the result is the same on every CPU.</remarks>
    /// <exception cref="ArgumentException">A length does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside <c>[0, classes)</c> and not <paramref name="ignoreIndex"/> (the message names the row); <paramref name="classes"/> is not positive; a class weight is negative; <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T NegativeLogLikelihood<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<int> labels, int classes, Reduction reduction = Reduction.Mean,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(NegativeLogLikelihoodForm(logProbabilities, labels, classes, default, reduction, classWeights, ignoreIndex, Form.Value, out _));

    /// <summary>Negative log-likelihood at integer labels, and its gradient: <c>−w_y/denominator</c> at each counted row's label, 0 elsewhere.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">Row-major <c>[rows × classes]</c> log-probabilities.</param>
    /// <param name="labels">One class index per row, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="gradient">Receives <c>∂loss/∂logProbabilities</c>: as long as the input, separate from it or the very same memory.</param>
    /// <param name="reduction">As in the value-only overload.</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="gradient"/> overlaps the input without being it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T NegativeLogLikelihood<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<int> labels, int classes, Span<T> gradient, Reduction reduction = Reduction.Mean,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(NegativeLogLikelihoodForm(logProbabilities, labels, classes, gradient, reduction, classWeights, ignoreIndex, Form.Fused, out _));

    /// <summary>The per-row form of <c>NegativeLogLikelihood</c> (PyTorch's <c>reduction='none'</c>): <c>−w_y·x[r, y]</c>, 0 for ignored rows.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">Row-major <c>[rows × classes]</c> log-probabilities.</param>
    /// <param name="labels">One class index per row, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="destination">Receives one loss per row; separate from the inputs.</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is out of range, <paramref name="classes"/> is not positive, or a class weight is negative.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void NegativeLogLikelihoodPerRow<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<int> labels, int classes, Span<T> destination,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => NegativeLogLikelihoodForm(logProbabilities, labels, classes, destination, Reduction.Sum, classWeights, ignoreIndex, Form.PerElement, out _);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double NegativeLogLikelihoodForm<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<int> labels, int classes, Span<T> output,
        Normalization normalization, ReadOnlySpan<T> classWeights, int ignoreIndex, Form form, out CompensatedSum weight)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        int rows = Guard.Rows(logProbabilities, classes);
        MultiClass.LabelCount(labels, rows);
        normalization.Check();
        Guard.Weights(classWeights, classes);
        if (form == Form.Fused)
        {
            Guard.Output(output, logProbabilities, classWeights, default, "gradient");
            MultiClass.SeparateFromLabels(output, labels, "gradient");
        }
        else if (form == Form.PerElement)
        {
            MultiClass.PerRowDestination(output, rows, logProbabilities, classWeights);
            MultiClass.SeparateFromLabels(output, labels, "destination");
        }
        weight = MultiClass.LabelWeightTotal(labels, classes, classWeights, ignoreIndex);
        double denominator = weight.Total;
        // The value first: the gradient may be the input's own memory.
        double sum = MultiClass.NegativeLogLikelihoodSum(logProbabilities, labels, classes, classWeights, ignoreIndex, form == Form.PerElement ? output : default);
        if (form == Form.Fused && rows != 0)
        {
            MultiClass.NegativeLogLikelihoodGradient(output, labels, classes, classWeights, ignoreIndex, 1.0 / normalization.GradientDivisor(denominator));
        }
        return sum / normalization.ValueDivisor(denominator);
    }
}

public static partial class Shard
{
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
}
