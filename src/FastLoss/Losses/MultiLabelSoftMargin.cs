using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Multi-label soft-margin loss of logits against 0/1 targets per class, as PyTorch's <c>multilabel_soft_margin_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> logits.</param>
    /// <param name="targets">The targets, one per logit, each in [0, 1] (0/1 labels, or soft).</param>
    /// <param name="classes">The number of classes (columns); positive.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per row <c>(1/classes)·Σ_c w_c·(−t·log σ(x) − (1 − t)·log σ(−x))</c>, each term in binary cross-entropy's stable form (any
    /// finite logit); then the mean or sum over the rows. Each row is summed in the element-wise losses' fixed order: bit-identical on every CPU.
    /// </remarks>
    /// <exception cref="ArgumentException">A length does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is outside [0, 1], a class weight is negative, <paramref name="classes"/> is not positive, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MultiLabelSoftMargin<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int classes, Reduction reduction = Reduction.Mean, ReadOnlySpan<T> classWeights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MultiLabelSoftMarginForm(logits, targets, classes, default, reduction, classWeights, Form.Value));

    /// <summary>Multi-label soft-margin loss, and its gradient in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> logits.</param>
    /// <param name="targets">The targets, one per logit, each in [0, 1].</param>
    /// <param name="classes">The number of classes; positive.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits</c>, <c>w_c·(σ(x) − t)/classes</c> divided by the rows for <c>Mean</c>; separate from the inputs or <paramref name="logits"/> itself.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="classWeights">Optional weight per class.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="gradient"/> overlaps an input other than <paramref name="logits"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MultiLabelSoftMargin<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int classes, Span<T> gradient, Reduction reduction = Reduction.Mean, ReadOnlySpan<T> classWeights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MultiLabelSoftMarginForm(logits, targets, classes, gradient, reduction, classWeights, Form.Fused));

    /// <summary>The per-row form of <see cref="MultiLabelSoftMargin{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, ReadOnlySpan{T})"/>: each row's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major logits.</param>
    /// <param name="targets">The targets, each in [0, 1].</param>
    /// <param name="classes">The number of classes; positive.</param>
    /// <param name="destination">Receives one loss per row; separate from the inputs.</param>
    /// <param name="classWeights">Optional weight per class.</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void MultiLabelSoftMarginPerRow<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int classes, Span<T> destination, ReadOnlySpan<T> classWeights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MultiLabelSoftMarginForm(logits, targets, classes, destination, Reduction.Sum, classWeights, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double MultiLabelSoftMarginForm<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int classes, Span<T> output, Normalization normalization,
        ReadOnlySpan<T> classWeights, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        int rows = Guard.Rows(logits, classes);
        Guard.SameLength(logits, targets);
        if (form == Form.PerElement)
        {
            MultiClass.PerRowDestination(output, rows, logits, targets, classWeights);
        }
        else
        {
            Guard.Output(output, form, logits, targets, classWeights);
        }
        normalization.Check();
        Guard.Weights(classWeights, classes);
        Guard.Probabilities(targets);
        return classWeights.IsEmpty
            ? MultiLabelRows(logits, targets, classes, output, normalization, classWeights, new BinaryCrossEntropyWithLogitsOperator<T, No, No>(), form)
            : MultiLabelRows(logits, targets, classes, output, normalization, classWeights, new BinaryCrossEntropyWithLogitsOperator<T, Yes, No>(), form);
    }

    /// <summary>Each row through the element-wise driver (the class weights are the row's per-element weights), its sum divided by the classes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double MultiLabelRows<T, TOp>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int classes, Span<T> output, Normalization normalization,
        ReadOnlySpan<T> classWeights, in TOp op, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
    {
        int rows = logits.Length / classes;
        if (rows == 0)
        {
            return 0 / normalization.ValueDivisor(0);
        }
        T gradientScale = T.CreateTruncating(1 / (normalization.GradientDivisor(rows) * classes));
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int start = r * classes;
            ReadOnlySpan<T> x = logits.Slice(start, classes), t = targets.Slice(start, classes);
            double sum = form == Form.Fused
                ? Dispatch.Pointwise<T, TOp, FusedMode>(x, t, classWeights, output.Slice(start, classes), in op, gradientScale, 1)
                : Dispatch.Pointwise<T, TOp, ValueMode>(x, t, classWeights, default, in op, T.One, 1);
            double loss = sum / classes;
            total += loss;
            if (form == Form.PerElement)
            {
                output[r] = T.CreateTruncating(loss);
            }
        }
        return total / normalization.ValueDivisor(rows);
    }
}
