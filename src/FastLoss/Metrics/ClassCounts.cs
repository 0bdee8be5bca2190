using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;

namespace FastLoss.Metrics;

/// <summary>What a per-class figure is: precision (correct / predicted), recall (correct / actual) or F1 (2·correct / (predicted + actual)).</summary>
internal enum ClassFigure
{
    Precision,
    Recall,
    F1,
}

/// <summary>
/// Per-class counts of a single-label classifier (rows predicted as each class, rows of each class, rows correct in
/// each class), optionally the confusion matrix and the top-k hits: the state of the classification metrics, over
/// caller-owned spans (an accumulator's arrays, or a one-shot call's stack).
/// </summary>
internal readonly ref struct ClassCounts(Span<long> predicted, Span<long> actual, Span<long> correct, Span<long> confusion)
{
    public readonly Span<long> Predicted = predicted;
    public readonly Span<long> Actual = actual;
    public readonly Span<long> Correct = correct;

    /// <summary>Row-major <c>[true class × predicted class]</c>, or empty when not kept.</summary>
    public readonly Span<long> Confusion = confusion;

    /// <summary>Checks every label against <paramref name="classes"/> (before anything is counted).</summary>
    public static void CheckLabels(ReadOnlySpan<int> labels, int classes)
    {
        for (int r = 0; r < labels.Length; r++)
        {
            int label = labels[r];
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"labels[{r}] (row {r}) is {label}, outside [0, {classes}).");
            }
        }
    }

    /// <summary>
    /// Counts the rows of a logit matrix (shapes and labels already checked) and returns how many have their label
    /// among the row's <paramref name="k"/> largest logits (0 when k is 0). Each label is read once and checked where
    /// it is used, so labels that another thread changes meanwhile cannot index outside the counts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long AddRows<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, int k)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        long hits = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            int label = MultiClass.UseClass(labels[r], classes, r);
            ReadOnlySpan<T> row = logits.Slice(r * classes, classes);
            int predictedClass = Rows.Prediction(row);
            Count(label, predictedClass, classes);
            if (k > 0 && Rows.Rank(row, label) < k)
            {
                hits++;
            }
        }
        return hits;
    }

    /// <summary>Counts one row of true class <paramref name="label"/> predicted as <paramref name="predictedClass"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Count(int label, int predictedClass, int classes)
    {
        Predicted[predictedClass]++;
        Actual[label]++;
        if (label == predictedClass)
        {
            Correct[label]++;
        }
        if (!Confusion.IsEmpty)
        {
            Confusion[label * classes + predictedClass]++;
        }
    }

    /// <summary>A class's figure; a zero denominator gives 0 (scikit-learn's <c>zero_division=0</c>).</summary>
    public static double Of(ClassFigure figure, long predicted, long actual, long correct)
    {
        long denominator = figure switch
        {
            ClassFigure.Precision => predicted,
            ClassFigure.Recall => actual,
            _ => predicted + actual,
        };
        double numerator = figure == ClassFigure.F1 ? 2.0 * correct : correct;
        return denominator == 0 ? 0 : numerator / denominator;
    }

    /// <summary>The figure averaged over the classes; NaN when no row was counted.</summary>
    public double Averaged(ClassFigure figure, Average average)
    {
        long rows = 0, correct = 0;
        for (int c = 0; c < Actual.Length; c++)
        {
            rows += Actual[c];
            correct += Correct[c];
        }
        if (rows == 0)
        {
            return double.NaN;
        }
        switch (average)
        {
            case Average.Micro:
                // Every row is predicted once and belongs to one class: Σpredicted = Σactual = rows.
                return (double)correct / rows;
            case Average.Macro:
            case Average.Weighted:
                double sum = 0;
                for (int c = 0; c < Actual.Length; c++)
                {
                    double value = Of(figure, Predicted[c], Actual[c], Correct[c]);
                    sum += average == Average.Macro ? value : value * Actual[c];
                }
                return average == Average.Macro ? sum / Actual.Length : sum / rows;
            default:
                throw new ArgumentOutOfRangeException(nameof(average), average, "average must be Macro, Micro or Weighted.");
        }
    }

    public static void CheckAverage(Average average)
    {
        if (average is not Average.Macro and not Average.Micro and not Average.Weighted)
        {
            throw new ArgumentOutOfRangeException(nameof(average), average, "average must be Macro, Micro or Weighted.");
        }
    }
}

/// <summary>Predictions from the rows of a logit matrix.</summary>
internal static class Rows
{
    /// <summary>
    /// The row's predicted class: its first maximal logit, or its first NaN if it has one (numpy's <c>argmax</c>,
    /// which scikit-learn uses). Vectorized with <see cref="Vector{T}"/>: the maximum first, then its first index.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Prediction<T>(ReadOnlySpan<T> row)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int n = row.Length;
        int width = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated && n >= 2 * width)
        {
            Vector<T> max = new(row);
            Vector<T> nan = Vector<T>.Zero;
            for (int i = width; i < n; i += width)
            {
                // The last vector overlaps the one before it where n is not a multiple of the width: harmless for a maximum.
                Vector<T> v = new(row.Slice(Math.Min(i, n - width)));
                nan |= ~Vector.Equals(v, v);
                max = Vector.ConditionalSelect(Vector.GreaterThan(v, max), v, max);
            }
            nan |= ~Vector.Equals(max, max);
            if (nan != Vector<T>.Zero)
            {
                return FirstNaN(row);
            }
            T best = max[0];
            for (int j = 1; j < width; j++)
            {
                if (max[j] > best)
                {
                    best = max[j];
                }
            }
            return FirstEqual(row, best);
        }
        int bestIndex = 0;
        T bestValue = row[0];
        if (T.IsNaN(bestValue))
        {
            return 0;
        }
        for (int j = 1; j < n; j++)
        {
            T v = row[j];
            if (T.IsNaN(v))
            {
                return j;
            }
            if (v > bestValue)
            {
                bestValue = v;
                bestIndex = j;
            }
        }
        return bestIndex;
    }

    private static int FirstNaN<T>(ReadOnlySpan<T> row) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int j = 0; j < row.Length; j++)
        {
            if (T.IsNaN(row[j]))
            {
                return j;
            }
        }
        return -1;
    }

    /// <summary>The first element equal to <paramref name="value"/> as numbers (−0 equals +0).</summary>
    private static int FirstEqual<T>(ReadOnlySpan<T> row, T value) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int j = 0; j < row.Length; j++)
        {
            if (row[j] == value)
            {
                return j;
            }
        }
        return -1;
    }

    /// <summary>
    /// The place of class <paramref name="label"/> in the row ordered from the largest logit down, ties by class
    /// index (the lower first, as <see cref="Prediction{T}"/>), NaN above every number: 0 for the predicted class.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Rank<T>(ReadOnlySpan<T> row, int label)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T own = row[label];
        bool ownNaN = T.IsNaN(own);
        int rank = 0;
        for (int j = 0; j < row.Length; j++)
        {
            T v = row[j];
            bool before = ownNaN
                ? T.IsNaN(v) && j < label
                : T.IsNaN(v) || v > own || (v == own && j < label);
            rank += before ? 1 : 0;
        }
        return rank;
    }
}
