using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastLoss.Kernels;
using FastLoss.Metrics;

namespace FastLoss;

public static partial class Metric
{
    /// <summary>Classes up to which a one-shot call keeps its per-class counts on the stack (beyond: rented from a pool).</summary>
    private const int StackClasses = 512;

    /// <summary>Share of rows whose predicted class (first maximal logit; first NaN if any) is the label (scikit-learn's <c>accuracy_score</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> scores (logits, or probabilities: only their order matters).</param>
    /// <param name="labels">One class label per row, in <c>[0, classes)</c>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <returns>The accuracy in [0, 1]; NaN for no rows.</returns>
    /// <exception cref="ArgumentException">The length of <paramref name="logits"/> is not a multiple of <paramref name="classes"/>, or <paramref name="labels"/> does not have one label per row.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive, or a label is outside <c>[0, classes)</c> (the message names the row).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static double Accuracy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TopKAccuracy(logits, labels, classes, k: 1);

    /// <summary>
    /// Share of rows whose label is among the row's <paramref name="k"/> largest logits (scikit-learn's
    /// <c>top_k_accuracy_score</c>); ties are ordered by class index, the lower first, so <c>k = 1</c> is <see cref="Accuracy{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int)"/>.
    /// </summary>
    /// <inheritdoc cref="Accuracy{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int)"/>
    /// <param name="logits">Row-major <c>[rows × classes]</c> scores.</param>
    /// <param name="labels">One class label per row, in <c>[0, classes)</c>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="k">How many of the largest logits count, in <c>[1, classes]</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive, <paramref name="k"/> is outside <c>[1, classes]</c>, or a label is outside <c>[0, classes)</c>.</exception>
    public static double TopKAccuracy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, int k)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = CheckRows(logits, labels, classes);
        CheckK(k, classes);
        long hits = 0;
        for (int r = 0; r < rows; r++)
        {
            // Read once and checked there: the rank needs the label as an index into its row.
            int label = MultiClass.UseClass(labels[r], classes, r);
            ReadOnlySpan<T> row = logits.Slice(r * classes, classes);
            hits += (k == 1 ? Rows.Prediction(row) == label : Rows.Rank(row, label) < k) ? 1 : 0;
        }
        return rows == 0 ? double.NaN : (double)hits / rows;
    }

    /// <summary>Multi-class precision: per class, the share of the rows predicted as it that belong to it, averaged (scikit-learn's <c>precision_score</c>, <c>zero_division=0</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> scores; a row predicts its first maximal logit.</param>
    /// <param name="labels">One class label per row, in <c>[0, classes)</c>.</param>
    /// <param name="classes">The number of classes (columns); every class in <c>[0, classes)</c> takes part in a macro average.</param>
    /// <param name="average">Macro (default), micro or weighted.</param>
    /// <returns>The averaged figure in [0, 1]; NaN for no rows.</returns>
    /// <remarks>Up to 512 classes the counts live on the stack; beyond, they are rented from <see cref="ArrayPool{T}.Shared"/> (allocated once, then reused).</remarks>
    /// <exception cref="ArgumentException">A shape does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive, a label is out of range, or <paramref name="average"/> is not an <see cref="Average"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static double Precision<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Average average = Average.Macro)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Averaged(logits, labels, classes, average, ClassFigure.Precision);

    /// <summary>Multi-class recall: per class, the share of its rows predicted as it, averaged (scikit-learn's <c>recall_score</c>, <c>zero_division=0</c>).</summary>
    /// <inheritdoc cref="Precision{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Average)"/>
    public static double Recall<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Average average = Average.Macro)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Averaged(logits, labels, classes, average, ClassFigure.Recall);

    /// <summary>Multi-class F1 score: per class 2·correct / (predicted + actual), averaged (scikit-learn's <c>f1_score</c>, <c>zero_division=0</c>).</summary>
    /// <inheritdoc cref="Precision{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Average)"/>
    public static double F1Score<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Average average = Average.Macro)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Averaged(logits, labels, classes, average, ClassFigure.F1);

    /// <summary>The confusion matrix of the rows' predictions (first maximal logit): <c>destination[t·classes + p]</c> is the number of rows of true class t predicted as p (scikit-learn's <c>confusion_matrix</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> scores.</param>
    /// <param name="labels">One class label per row, in <c>[0, classes)</c>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="destination">Receives the <c>classes²</c> counts, row = true class (overwritten).</param>
    /// <exception cref="ArgumentException">A shape does not fit, or <paramref name="destination"/> is not <c>classes²</c> long.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive or a label is out of range (nothing is written).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void ConfusionMatrix<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<long> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = CheckRows(logits, labels, classes);
        if ((long)classes * classes != destination.Length)
        {
            throw new ArgumentException($"destination must have classes² = {(long)classes * classes} elements, not {destination.Length}.", nameof(destination));
        }
        destination.Clear();
        for (int r = 0; r < rows; r++)
        {
            int label = MultiClass.UseClass(labels[r], classes, r);
            destination[label * classes + Rows.Prediction(logits.Slice(r * classes, classes))]++;
        }
    }

    /// <summary>
    /// Multi-class log loss of rows of probabilities: the mean over rows of <c>−log(q)</c>, q the label's probability
    /// clipped to <c>[ε, 1 − ε]</c> with ε the element type's machine epsilon (2⁻²³ for float, 2⁻⁵² for double); the rows are
    /// not renormalised (scikit-learn's <c>log_loss</c> given normalised rows). It is also the mean cross-entropy
    /// loss of those probabilities: a metric that is a loss, read here without a gradient.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Row-major <c>[rows × classes]</c> probabilities in [0, 1].</param>
    /// <param name="labels">One class label per row.</param>
    /// <param name="classes">The number of classes.</param>
    /// <returns>The log loss; NaN for no rows; a NaN probability of a label propagates.</returns>
    /// <exception cref="ArgumentException">A shape does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive, a probability is outside [0, 1], or a label is out of range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static double LogLoss<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, int classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = CheckRows(probabilities, labels, classes);
        Guard.Probabilities(probabilities);
        double epsilon = Epsilon<T>();
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            int label = MultiClass.UseClass(labels[r], classes, r);
            double p = double.CreateTruncating(probabilities[r * classes + label]);
            sum -= Math.Log(double.IsNaN(p) ? p : Math.Clamp(p, epsilon, 1 - epsilon));
        }
        return rows == 0 ? double.NaN : sum / rows;
    }

    /// <summary>Binary accuracy: the share of elements where <c>p &gt; threshold</c> agrees with the 0/1 target.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities of the positive class, in [0, 1].</param>
    /// <param name="targets">The 0/1 targets, as many as <paramref name="probabilities"/>.</param>
    /// <param name="threshold">Predicted positive where the probability is above it (default 0.5).</param>
    /// <returns>The figure in [0, 1]; NaN for empty input, or where a probability or target is NaN.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A probability is outside [0, 1], a target is neither 0 nor 1, or <paramref name="threshold"/> is NaN.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static double Accuracy<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, double threshold = 0.5)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        BinaryCounts counts = Binary(probabilities, targets, threshold);
        return (counts.Rows - counts.Predicted - counts.Actual + 2 * counts.Correct) / counts.Rows;
    }

    /// <summary>Binary precision: true positives over predicted positives (<c>p &gt; threshold</c>); 0 when nothing is predicted positive.</summary>
    /// <inheritdoc cref="Accuracy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, double)"/>
    public static double Precision<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, double threshold = 0.5)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Binary(probabilities, targets, threshold).Figure(ClassFigure.Precision);

    /// <summary>Binary recall: true positives over actual positives; 0 when there are none.</summary>
    /// <inheritdoc cref="Accuracy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, double)"/>
    public static double Recall<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, double threshold = 0.5)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Binary(probabilities, targets, threshold).Figure(ClassFigure.Recall);

    /// <summary>Binary F1 score: 2·true positives / (predicted positives + actual positives); 0 when both are 0.</summary>
    /// <inheritdoc cref="Accuracy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, double)"/>
    public static double F1Score<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, double threshold = 0.5)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Binary(probabilities, targets, threshold).Figure(ClassFigure.F1);

    /// <summary>
    /// Binary log loss: the mean of <c>−t·log(q) − (1 − t)·log(1 − q)</c>, q = p clipped to <c>[ε, 1 − ε]</c> with ε the
    /// element type's machine epsilon (scikit-learn's <c>log_loss</c>); in double, vectorized. The training loss with the
    /// same formula (unclipped, with a gradient) is <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities, in [0, 1].</param>
    /// <param name="targets">The 0/1 targets, as many as <paramref name="probabilities"/>.</param>
    /// <returns>The log loss; NaN for empty input; NaN propagates.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A probability is outside [0, 1] or a target is neither 0 nor 1.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static double LogLoss<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckBinary(probabilities, targets);
        return probabilities.IsEmpty ? double.NaN : MetricSum.Sum(probabilities, targets, new BinaryLogLossOperator(Epsilon<T>())) / probabilities.Length;
    }

    /// <summary>
    /// Area under the ROC curve of scores against 0/1 targets (scikit-learn's <c>roc_auc_score</c>): the probability
    /// that a positive scores above a negative, tied scores counting one half. O(n log n) (a sort); this overload
    /// rents its scratch (two doubles per element) from <see cref="ArrayPool{T}.Shared"/>: see the overload with a
    /// caller's scratch, which never touches the heap.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores (any real numbers; only their order matters).</param>
    /// <param name="targets">The 0/1 targets, as many as <paramref name="scores"/>.</param>
    /// <returns>The area in [0, 1]; NaN when either class is absent or a score is NaN.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is neither 0 nor 1.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static double AreaUnderRocCurve<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckScores(scores, targets);
        double[] rented = ArrayPool<double>.Shared.Rent(2 * scores.Length);
        try
        {
            return AreaUnderRocCurve(scores, targets, rented.AsSpan(0, 2 * scores.Length));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>As <see cref="AreaUnderRocCurve{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>, with the caller's scratch: nothing is allocated.</summary>
    /// <inheritdoc cref="AreaUnderRocCurve{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>
    /// <param name="scores">The scores.</param>
    /// <param name="targets">The 0/1 targets.</param>
    /// <param name="scratch">At least <c>2·scores.Length</c> doubles, overwritten (the scores and targets, sorted together); separate from the inputs.</param>
    /// <exception cref="ArgumentException">The lengths differ, <paramref name="scratch"/> is too short, or it overlaps an input.</exception>
    public static double AreaUnderRocCurve<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<double> scratch)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckScores(scores, targets);
        int n = scores.Length;
        if (scratch.Length < 2 * n)
        {
            throw new ArgumentException($"scratch must hold 2·scores.Length = {2L * n} doubles, not {scratch.Length}.", nameof(scratch));
        }
        ReadOnlySpan<byte> s = MemoryMarshal.AsBytes(scratch), a = MemoryMarshal.AsBytes(scores), b = MemoryMarshal.AsBytes(targets);
        if (s.Overlaps(a) || s.Overlaps(b))
        {
            throw new ArgumentException("scratch overlaps scores or targets; it must be separate.", nameof(scratch));
        }
        Span<double> keys = scratch[..n], positive = scratch.Slice(n, n);
        double positives = 0;
        for (int i = 0; i < n; i++)
        {
            double key = double.CreateTruncating(scores[i]);
            if (double.IsNaN(key))
            {
                return double.NaN;
            }
            keys[i] = key;
            positive[i] = double.CreateTruncating(targets[i]);
            positives += positive[i];
        }
        double negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }
        keys.Sort(positive);
        // The Mann–Whitney statistic: the positives' ranks (1-based; a group of ties shares its mean rank).
        double rankSum = 0;
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            double groupPositives = positive[start];
            while (end < n && keys[end] == keys[start])
            {
                groupPositives += positive[end++];
            }
            rankSum += groupPositives * ((start + 1 + end) * 0.5);
            start = end;
        }
        return (rankSum - positives * (positives + 1) * 0.5) / (positives * negatives);
    }

    /// <summary>A logit or probability matrix and its labels: the shapes, then every label.</summary>
    internal static int CheckRows<T>(ReadOnlySpan<T> matrix, ReadOnlySpan<int> labels, int classes, [CallerArgumentExpression(nameof(matrix))] string? name = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        int rows = Guard.Rows(matrix, classes, name);
        MultiClass.LabelCount(labels, rows);
        ClassCounts.CheckLabels(labels, classes);
        return rows;
    }

    private static void CheckK(int k, int classes)
    {
        if (k < 1 || k > classes)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must lie in [1, classes] = [1, {classes}].");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Averaged<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Average average, ClassFigure figure)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = CheckRows(logits, labels, classes);
        ClassCounts.CheckAverage(average);
        long[]? rented = classes > StackClasses ? ArrayPool<long>.Shared.Rent(3 * classes) : null;
        Span<long> counts = rented is null ? stackalloc long[3 * classes] : rented.AsSpan(0, 3 * classes);
        try
        {
            counts.Clear();
            ClassCounts state = new(counts[..classes], counts.Slice(classes, classes), counts.Slice(2 * classes, classes), default);
            state.AddRows(logits, labels[..rows], classes, k: 0);
            return state.Averaged(figure, average);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<long>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The element type's machine epsilon (the gap above 1): 2⁻²³ for float, 2⁻⁵² for double.</summary>
    private static double Epsilon<T>() where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? 1.1920928955078125e-07 : 2.220446049250313e-16;

    /// <summary>Probabilities in [0, 1] and 0/1 targets of the same length.</summary>
    internal static void CheckBinary<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(probabilities, targets);
        Guard.Probabilities(probabilities);
        Guard.ZeroOrOne(targets);
    }

    internal static void CheckThreshold(double threshold)
    {
        if (double.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be a number.");
        }
    }

    private static void CheckScores<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(scores, targets);
        Guard.ZeroOrOne(targets);
    }

    /// <summary>The counts of a thresholded binary classifier, as doubles (sums of 0/1 terms, exact).</summary>
    private readonly record struct BinaryCounts(double Rows, double Predicted, double Actual, double Correct)
    {
        public double Figure(ClassFigure figure) => Rows == 0 ? double.NaN
            : double.IsNaN(Predicted + Actual + Correct) ? double.NaN
            : ClassCounts.Of(figure, (long)Predicted, (long)Actual, (long)Correct);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static BinaryCounts Binary<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, double threshold)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckBinary(probabilities, targets);
        CheckThreshold(threshold);
        if (probabilities.IsEmpty)
        {
            return new BinaryCounts(0, 0, 0, 0);
        }
        if (typeof(T) == typeof(float))
        {
            // The three counts in one pass: each chunk widened once for all (the same chunk sums).
            BinarySums sums = new(threshold);
            MetricSum.Sums(MemoryMarshal.Cast<T, float>(probabilities), MemoryMarshal.Cast<T, float>(targets), ref sums);
            return new BinaryCounts(probabilities.Length, sums.Predicted, sums.Actual, sums.Correct);
        }
        return new BinaryCounts(
            probabilities.Length,
            MetricSum.Sum(probabilities, targets, new AboveThresholdOperator<No>(threshold)),
            MetricSum.Sum(targets, new SecondInputOperator()),
            MetricSum.Sum(probabilities, targets, new AboveThresholdOperator<Yes>(threshold)));
    }

    /// <summary>The binary counts, a chunk of (probabilities, targets) at a time (float inputs).</summary>
    private struct BinarySums(double threshold) : IChunkSums
    {
        public double Predicted, Actual, Correct;

        public void Add(ReadOnlySpan<double> p, ReadOnlySpan<double> t)
        {
            Predicted += MetricSum.ChunkSum(p, t, new AboveThresholdOperator<No>(threshold));
            Actual += MetricSum.ChunkSum(t, t, new SecondInputOperator());
            Correct += MetricSum.ChunkSum(p, t, new AboveThresholdOperator<Yes>(threshold));
        }
    }
}
