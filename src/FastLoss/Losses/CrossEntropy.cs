using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Softmax cross-entropy of logits against integer labels, as PyTorch's <c>cross_entropy</c> with class indices.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> logits.</param>
    /// <param name="labels">One class index per row, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes (columns); positive, and the length of <paramref name="logits"/> is a multiple of it.</param>
    /// <param name="reduction"><c>Mean</c> (default) divides by the summed weight of the rows that count (their number without <paramref name="classWeights"/>); <c>Sum</c> adds them.</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <param name="labelSmoothing">ε in [0, 1]: the target becomes <c>(1 − ε)·onehot + ε/classes</c>, with PyTorch's weighting of the smoothing term.</param>
    /// <returns>The reduced loss; <c>Mean</c> of a batch whose rows are all ignored is NaN, as in PyTorch.</returns>
    /// <remarks>
    /// Per row <c>(1 − ε)·w_y·(lse − x_y) + (ε/C)·Σ_c w_c·(lse − x_c)</c> with <c>lse = log Σ_c e^x_c</c>, computed from
    /// <c>x − max</c> so that any finite logits work (no overflow at ±1e4 or ±3e4). NaN propagates. Bit-identical on every CPU.
    /// </remarks>
    /// <exception cref="ArgumentException">A length does not fit (labels per row, class weights per class).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside <c>[0, classes)</c> and not <paramref name="ignoreIndex"/> (the message names the row); <paramref name="classes"/> is not positive; a class weight is negative; <paramref name="labelSmoothing"/> is outside [0, 1]; <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Reduction reduction = Reduction.Mean,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(CrossEntropyLabelsForm(logits, labels, classes, default, reduction, classWeights, ignoreIndex, labelSmoothing, Form.Value, out _));

    /// <summary>Softmax cross-entropy of logits against integer labels, and its gradient, fused: each row is read once for its log-sum-exp and once more to write its gradient.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> logits.</param>
    /// <param name="labels">One class index per row, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits</c> (0 on ignored rows): as long as <paramref name="logits"/>, separate from it or the very same memory (in place).</param>
    /// <param name="reduction">As in the value-only overload.</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <remarks>The gradient of a row is <c>(softmax·((1 − ε)w_y + (ε/C)Σw) − (ε/C)·w − (1 − ε)·w_y·onehot)/denominator</c>.</remarks>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="gradient"/> overlaps <paramref name="logits"/> without being it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<T> gradient, Reduction reduction = Reduction.Mean,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(CrossEntropyLabelsForm(logits, labels, classes, gradient, reduction, classWeights, ignoreIndex, labelSmoothing, Form.Fused, out _));

    /// <summary>The per-row form of softmax cross-entropy with labels (PyTorch's <c>reduction='none'</c>): each row's weighted loss, 0 for ignored rows.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> logits.</param>
    /// <param name="labels">One class index per row, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="destination">Receives one loss per row; separate from the inputs.</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Reduction, ReadOnlySpan{T}, int, double)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void CrossEntropyPerRow<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<T> destination,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => CrossEntropyLabelsForm(logits, labels, classes, destination, Reduction.Sum, classWeights, ignoreIndex, labelSmoothing, Form.PerElement, out _);

    /// <summary>
    /// The argument checks of cross-entropy with labels, before anything is written (shared by the overloads with and
    /// without the z-loss): the rows, the labels' count and range, the class weights, ε, and the output's length and
    /// overlaps for the form; returns the labels' weight (see <see cref="MultiClass.LabelWeightTotal"/>).
    /// </summary>
    internal static CompensatedSum CheckLabelsProblem<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<T> output,
        Normalization normalization, ReadOnlySpan<T> classWeights, int ignoreIndex, double labelSmoothing, Form form, out int rows)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        rows = Guard.Rows(logits, classes);
        MultiClass.LabelCount(labels, rows);
        normalization.Check();
        Guard.Weights(classWeights, classes);
        Guard.UnitInterval(labelSmoothing);
        if (form == Form.Fused)
        {
            Guard.Output(output, logits, classWeights, default, "gradient", nameof(logits));
            MultiClass.SeparateFromLabels(output, labels, "gradient");
        }
        else if (form == Form.PerElement)
        {
            MultiClass.PerRowDestination(output, rows, logits, classWeights);
            MultiClass.SeparateFromLabels(output, labels, "destination");
        }
        return MultiClass.LabelWeightTotal(labels, classes, classWeights, ignoreIndex);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double CrossEntropyLabelsForm<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<T> output,
        Normalization normalization, ReadOnlySpan<T> classWeights, int ignoreIndex, double labelSmoothing, Form form, out CompensatedSum weight, double zLoss = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The z-loss runs in the kernel's long rows only (CrossEntropyZForm takes narrow rows itself).
        Debug.Assert(zLoss == 0 || classes > CrossEntropyKernel.MaxTransposedClasses);
        weight = CheckLabelsProblem(logits, labels, classes, output, normalization, classWeights, ignoreIndex, labelSmoothing, form, out int rows);
        bool writesGradient = form == Form.Fused;
        Span<T> gradient = writesGradient ? output : default, perRow = form == Form.PerElement ? output : default;
        double denominator = weight.Total;
        if (rows == 0)
        {
            return 0 / normalization.ValueDivisor(denominator);
        }
        double weightTotal = classes;
        if (!classWeights.IsEmpty)
        {
            weightTotal = 0;
            foreach (T w in classWeights)
            {
                weightTotal += double.CreateTruncating(w);
            }
        }
        CrossEntropyProblem<T> problem = new()
        {
            Logits = logits,
            Labels = labels,
            ClassWeights = classWeights,
            Gradient = gradient,
            PerRow = perRow,
            Classes = classes,
            IgnoreIndex = ignoreIndex,
            Smoothing = labelSmoothing,
            Scale = 1.0 / normalization.GradientDivisor(denominator),
            WeightTotal = weightTotal,
            LossScale = MultiClass.LossScale(rows),
            ZLoss = zLoss,
            WritesGradient = writesGradient,
        };
        double scaled = classWeights.IsEmpty
            ? Dispatch.CrossEntropyScaled<T, No, No>(in problem)
            : Dispatch.CrossEntropyScaled<T, No, Yes>(in problem);
        return scaled / normalization.ValueDivisor(denominator) / problem.LossScale;
    }

    /// <summary>Softmax cross-entropy of logits against target probabilities, as PyTorch's <c>cross_entropy</c> with probabilities.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> logits.</param>
    /// <param name="targets">Row-major <c>[rows × classes]</c> target probabilities (not checked: like PyTorch, any values are used as given).</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="reduction"><c>Mean</c> (default) divides by the number of rows; <c>Sum</c> adds them.</param>
    /// <param name="labelSmoothing">ε in [0, 1]: targets become <c>(1 − ε)·t + ε/classes</c>.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>Per row <c>Σ_c t'_c·(lse − x_c)</c>, computed from <c>x − max</c> (stable for any finite logits). Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">The lengths differ or are not a multiple of <paramref name="classes"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive, <paramref name="labelSmoothing"/> is outside [0, 1], or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int classes, Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(CrossEntropySoftForm(logits, targets, classes, default, reduction, labelSmoothing, Form.Value));

    /// <summary>Softmax cross-entropy of logits against target probabilities, and its gradient <c>(softmax·Σt' − t')/rows</c>, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> logits.</param>
    /// <param name="targets">Row-major <c>[rows × classes]</c> target probabilities.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits</c>: as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="reduction">As in the value-only overload.</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="gradient"/> overlaps an input other than being <paramref name="logits"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int classes, Span<T> gradient, Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(CrossEntropySoftForm(logits, targets, classes, gradient, reduction, labelSmoothing, Form.Fused));

    /// <summary>The per-row form of soft-target cross-entropy (PyTorch's <c>reduction='none'</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> logits.</param>
    /// <param name="targets">Row-major <c>[rows × classes]</c> target probabilities.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="destination">Receives one loss per row; separate from the inputs.</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive or <paramref name="labelSmoothing"/> is outside [0, 1].</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void CrossEntropyPerRow<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int classes, Span<T> destination, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => CrossEntropySoftForm(logits, targets, classes, destination, Reduction.Sum, labelSmoothing, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double CrossEntropySoftForm<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int classes, Span<T> output,
        Normalization normalization, double labelSmoothing, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        int rows = Guard.Rows(logits, classes);
        if (targets.Length != logits.Length && targets.Length == rows)
        {
            // Class labels passed as floating-point numbers land here: say so rather than only that the lengths differ.
            throw new ArgumentException($"targets has one value per row ({rows}), but soft targets are one probability per logit ({logits.Length}): class labels are int. Pass them as ReadOnlySpan<int> (an int[]) for the class-label overload of CrossEntropy.", nameof(targets));
        }
        Guard.SameLength(logits, targets);
        normalization.Check();
        Guard.UnitInterval(labelSmoothing);
        bool writesGradient = form == Form.Fused;
        Span<T> gradient = writesGradient ? output : default, perRow = form == Form.PerElement ? output : default;
        if (writesGradient)
        {
            Guard.Output(gradient, logits, targets, default);
        }
        else if (form == Form.PerElement)
        {
            MultiClass.PerRowDestination(perRow, rows, logits, targets);
        }
        if (rows == 0)
        {
            return 0 / normalization.ValueDivisor(0);
        }
        CrossEntropyProblem<T> problem = new()
        {
            Logits = logits,
            Targets = targets,
            Gradient = gradient,
            PerRow = perRow,
            Classes = classes,
            Smoothing = labelSmoothing,
            Scale = 1.0 / normalization.GradientDivisor(rows),
            WeightTotal = classes,
            LossScale = MultiClass.LossScale(rows),
            WritesGradient = writesGradient,
        };
        double scaled = Dispatch.CrossEntropyScaled<T, Yes, No>(in problem);
        return scaled / normalization.ValueDivisor(rows) / problem.LossScale;
    }
}

public static partial class Shard
{
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
}
