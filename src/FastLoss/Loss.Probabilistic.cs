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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T NegativeLogLikelihood<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<int> labels, int classes, Reduction reduction = Reduction.Mean,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double denominator = CheckNegativeLogLikelihood(logProbabilities, labels, classes, reduction, classWeights, ignoreIndex);
        double sum = MultiClass.NegativeLogLikelihoodSum(logProbabilities, labels, classes, classWeights, ignoreIndex, default);
        return labels.IsEmpty ? Pointwise.Empty<T>(reduction) : T.CreateTruncating(reduction == Reduction.Mean ? sum / denominator : sum);
    }

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T NegativeLogLikelihood<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<int> labels, int classes, Span<T> gradient, Reduction reduction = Reduction.Mean,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double denominator = CheckNegativeLogLikelihood(logProbabilities, labels, classes, reduction, classWeights, ignoreIndex);
        Guard.Output(gradient, logProbabilities, classWeights, default);
        MultiClass.SeparateFromLabels(gradient, labels, nameof(gradient));
        if (labels.IsEmpty)
        {
            return Pointwise.Empty<T>(reduction);
        }
        // The value first: the gradient may be the input's own memory.
        double sum = MultiClass.NegativeLogLikelihoodSum(logProbabilities, labels, classes, classWeights, ignoreIndex, default);
        double scale = reduction == Reduction.Mean ? 1.0 / denominator : 1.0;
        MultiClass.NegativeLogLikelihoodGradient(gradient, labels, classes, classWeights, ignoreIndex, scale);
        return T.CreateTruncating(reduction == Reduction.Mean ? sum / denominator : sum);
    }

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NegativeLogLikelihoodPerRow<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<int> labels, int classes, Span<T> destination,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckNegativeLogLikelihood(logProbabilities, labels, classes, Reduction.Sum, classWeights, ignoreIndex);
        MultiClass.PerRowDestination(destination, labels.Length, logProbabilities, classWeights);
        MultiClass.SeparateFromLabels(destination, labels, nameof(destination));
        MultiClass.NegativeLogLikelihoodSum(logProbabilities, labels, classes, classWeights, ignoreIndex, destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double CheckNegativeLogLikelihood<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<int> labels, int classes, Reduction reduction,
        ReadOnlySpan<T> classWeights, int ignoreIndex)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        int rows = Guard.Rows(logProbabilities, classes);
        MultiClass.LabelCount(labels, rows);
        Guard.Reduction(reduction);
        Guard.Weights(classWeights, classes);
        return MultiClass.LabelWeightTotal(labels, classes, classWeights, ignoreIndex);
    }

    /// <summary>Kullback–Leibler divergence of log-probabilities from targets, as PyTorch's <c>kl_div</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">Row-major <c>[rows × classes]</c> log-probabilities <c>x</c> of the model.</param>
    /// <param name="targets">The target distribution <c>t</c>, same shape: probabilities, or log-probabilities when <paramref name="logTarget"/> is true.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="reduction"><c>Mean</c> (default) is PyTorch's <c>batchmean</c>: the sum divided by the number of rows. <c>Sum</c> is the sum.</param>
    /// <param name="logTarget">Whether <paramref name="targets"/> holds log-probabilities.</param>
    /// <returns>The reduced divergence.</returns>
    /// <remarks>Per element <c>t·(log t − x)</c>, 0 where <c>t = 0</c> (or <c>e^t·(t − x)</c> for log targets); derivative <c>−t</c> (or <c>−e^t</c>).</remarks>
    /// <exception cref="ArgumentException">The lengths differ or are not a multiple of <paramref name="classes"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T KullbackLeiblerDivergence<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, Reduction reduction = Reduction.Mean, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = CheckKullbackLeibler(logProbabilities, targets, classes, reduction);
        if (rows == 0)
        {
            return Pointwise.Empty<T>(reduction);
        }
        double divisor = Pointwise.Divisor(rows, reduction);
        return T.CreateTruncating(logTarget
            ? Dispatch.Pointwise<T, KullbackLeiblerOperator<T, Yes>, ValueMode>(logProbabilities, targets, default, default, default, T.One, divisor)
            : Dispatch.Pointwise<T, KullbackLeiblerOperator<T, No>, ValueMode>(logProbabilities, targets, default, default, default, T.One, divisor));
    }

    /// <summary>Kullback–Leibler divergence, and its gradient with respect to the log-probabilities, in one pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">Row-major <c>[rows × classes]</c> log-probabilities <c>x</c>.</param>
    /// <param name="targets">The target distribution, same shape.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="gradient">Receives <c>∂loss/∂x</c>: as long as the input, separate from the inputs or the very memory of <paramref name="logProbabilities"/>.</param>
    /// <param name="reduction">As in the value-only overload.</param>
    /// <param name="logTarget">Whether <paramref name="targets"/> holds log-probabilities.</param>
    /// <returns>The reduced divergence, equal to the value-only overload's.</returns>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="gradient"/> overlaps an input other than being <paramref name="logProbabilities"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T KullbackLeiblerDivergence<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, Span<T> gradient, Reduction reduction = Reduction.Mean, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = CheckKullbackLeibler(logProbabilities, targets, classes, reduction);
        Guard.Output(gradient, logProbabilities, targets, default);
        if (rows == 0)
        {
            return Pointwise.Empty<T>(reduction);
        }
        T scale = reduction == Reduction.Mean ? T.CreateTruncating(1.0 / rows) : T.One;
        double divisor = Pointwise.Divisor(rows, reduction);
        return T.CreateTruncating(logTarget
            ? Dispatch.Pointwise<T, KullbackLeiblerOperator<T, Yes>, FusedMode>(logProbabilities, targets, default, gradient, default, scale, divisor)
            : Dispatch.Pointwise<T, KullbackLeiblerOperator<T, No>, FusedMode>(logProbabilities, targets, default, gradient, default, scale, divisor));
    }

    /// <summary>The per-element form of <c>KullbackLeiblerDivergence</c> (PyTorch's <c>reduction='none'</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">Row-major <c>[rows × classes]</c> log-probabilities <c>x</c>.</param>
    /// <param name="targets">The target distribution, same shape.</param>
    /// <param name="destination">Receives each element's term: as long as the input, separate from the inputs or the very memory of <paramref name="logProbabilities"/>.</param>
    /// <param name="logTarget">Whether <paramref name="targets"/> holds log-probabilities.</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input other than being <paramref name="logProbabilities"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void KullbackLeiblerDivergencePerElement<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, Span<T> destination, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(logProbabilities, targets);
        Guard.Output(destination, logProbabilities, targets, default);
        if (logTarget)
        {
            Pointwise.PerElement(logProbabilities, targets, default, destination, new KullbackLeiblerOperator<T, Yes>());
        }
        else
        {
            Pointwise.PerElement(logProbabilities, targets, default, destination, new KullbackLeiblerOperator<T, No>());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CheckKullbackLeibler<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, Reduction reduction)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(logProbabilities, targets);
        Guard.Reduction(reduction);
        return Guard.Rows(logProbabilities, classes);
    }

}
