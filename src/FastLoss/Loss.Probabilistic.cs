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
    public static T KullbackLeiblerDivergence<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, Reduction reduction = Reduction.Mean, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(KullbackLeiblerDivergenceForm(logProbabilities, targets, classes, default, reduction, logTarget, Form.Value));

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
    public static T KullbackLeiblerDivergence<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, Span<T> gradient, Reduction reduction = Reduction.Mean, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(KullbackLeiblerDivergenceForm(logProbabilities, targets, classes, gradient, reduction, logTarget, Form.Fused));

    /// <summary>The per-element form of <c>KullbackLeiblerDivergence</c> (PyTorch's <c>reduction='none'</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">Row-major <c>[rows × classes]</c> log-probabilities <c>x</c>.</param>
    /// <param name="targets">The target distribution, same shape.</param>
    /// <param name="destination">Receives each element's term: as long as the input, separate from the inputs or the very memory of <paramref name="logProbabilities"/>.</param>
    /// <param name="logTarget">Whether <paramref name="targets"/> holds log-probabilities.</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input other than being <paramref name="logProbabilities"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void KullbackLeiblerDivergencePerElement<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, Span<T> destination, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => KullbackLeiblerDivergenceForm(logProbabilities, targets, 1, destination, Reduction.Sum, logTarget, Form.PerElement);

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

    /// <summary>The forms of KL divergence; <paramref name="classes"/> is 1 for the per-element form (any row length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double KullbackLeiblerDivergenceForm<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, Span<T> output,
        Normalization normalization, bool logTarget, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(logProbabilities, targets);
        Guard.Output(output, form, logProbabilities, targets, default);
        normalization.Check();
        int rows = Guard.Rows(logProbabilities, classes);
        // Mean is PyTorch's batchmean: the sum over the rows' elements divided by the rows. Pointwise.Run divides by
        // the number of elements it is given, so this runs with the rows' normalization directly.
        if (form != Form.PerElement && rows == 0)
        {
            return 0 / normalization.ValueDivisor(0);
        }
        if (form == Form.PerElement)
        {
            return logTarget
                ? Pointwise.Run(logProbabilities, targets, default, output, new KullbackLeiblerOperator<T, Yes>(), normalization, form)
                : Pointwise.Run(logProbabilities, targets, default, output, new KullbackLeiblerOperator<T, No>(), normalization, form);
        }
        T scale = form == Form.Fused ? normalization.GradientScale<T>(rows) : T.One;
        double divisor = normalization.ValueDivisor(rows);
        return (logTarget, form == Form.Fused) switch
        {
            (true, true) => Dispatch.Pointwise<T, KullbackLeiblerOperator<T, Yes>, FusedMode>(logProbabilities, targets, default, output, default, scale, divisor),
            (false, true) => Dispatch.Pointwise<T, KullbackLeiblerOperator<T, No>, FusedMode>(logProbabilities, targets, default, output, default, scale, divisor),
            (true, false) => Dispatch.Pointwise<T, KullbackLeiblerOperator<T, Yes>, ValueMode>(logProbabilities, targets, default, default, default, scale, divisor),
            _ => Dispatch.Pointwise<T, KullbackLeiblerOperator<T, No>, ValueMode>(logProbabilities, targets, default, default, default, scale, divisor),
        };
    }
}
