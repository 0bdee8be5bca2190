using System;
using System.Numerics;
using FastLoss.Metrics;

namespace FastLoss;

/// <summary>
/// The classification metrics of rows that arrive in batches, or on several threads or workers: <see cref="Add{T}"/>
/// each batch of logits and labels (or <see cref="AddBinary{T}"/> probabilities and 0/1 targets), <see cref="Merge"/>
/// the accumulators of the others, read any metric. The state is counts whose size is fixed by the number of classes
/// (per class: predicted, actual, correct; the top-k hits; the confusion matrix up to 1024 classes), allocated once
/// in the constructor, never the data: <see cref="Add{T}"/> and <see cref="Merge"/> allocate nothing, the counts are
/// exact, and every metric equals the one-shot <see cref="Metric"/> call over all the rows. Not thread-safe: one
/// accumulator per thread, merged at the end.
/// </summary>
public sealed class ClassificationMetrics
{
    /// <summary>Classes up to which the confusion matrix (classes² counts) is kept.</summary>
    public const int MaxConfusionMatrixClasses = 1024;

    private readonly long[] _predicted, _actual, _correct, _confusion;
    private long _topKHits;

    /// <summary>An empty accumulator.</summary>
    /// <param name="classes">The number of classes (2 for <see cref="AddBinary{T}"/>).</param>
    /// <param name="k">The k of <see cref="TopKAccuracy"/>, in <c>[1, classes]</c> (default 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive or <paramref name="k"/> is outside <c>[1, classes]</c>.</exception>
    public ClassificationMetrics(int classes, int k = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (k < 1 || k > classes)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must lie in [1, classes] = [1, {classes}].");
        }
        Classes = classes;
        K = k;
        _predicted = new long[classes];
        _actual = new long[classes];
        _correct = new long[classes];
        _confusion = classes <= MaxConfusionMatrixClasses ? new long[classes * classes] : [];
    }

    /// <summary>The number of classes.</summary>
    public int Classes { get; }

    /// <summary>The k of <see cref="TopKAccuracy"/>.</summary>
    public int K { get; }

    /// <summary>The number of rows added.</summary>
    public long Count { get; private set; }

    private ClassCounts State => new(_predicted, _actual, _correct, _confusion);

    /// <summary>Adds a batch of rows: each row's prediction is its first maximal logit (first NaN if any).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> scores.</param>
    /// <param name="labels">One class label per row, in <c>[0, classes)</c>.</param>
    /// <exception cref="ArgumentException">A shape does not fit (nothing is added).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is out of range (nothing is added).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public void Add<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = Metric.CheckRows(logits, labels, Classes);
        _topKHits += State.AddRows(logits, labels, Classes, K);
        Count += rows;
    }

    /// <summary>Adds a batch of a binary classifier (2 classes): class 1 predicted where <c>p &gt; threshold</c>, the target's class is its 0/1 value.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities of class 1, in [0, 1].</param>
    /// <param name="targets">The 0/1 targets, as many as <paramref name="probabilities"/>.</param>
    /// <param name="threshold">Predicted positive above it (default 0.5).</param>
    /// <exception cref="InvalidOperationException">The accumulator does not have 2 classes.</exception>
    /// <exception cref="ArgumentException">The lengths differ (nothing is added).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A probability is outside [0, 1] or NaN, a target is not 0 or 1, or the threshold is NaN (nothing is added).</exception>
    public void AddBinary<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, double threshold = 0.5)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Classes != 2)
        {
            throw new InvalidOperationException($"AddBinary needs an accumulator of 2 classes; this one has {Classes}.");
        }
        Metric.CheckBinary(probabilities, targets);
        Metric.CheckThreshold(threshold);
        for (int i = 0; i < probabilities.Length; i++)
        {
            // Counts cannot hold a NaN: a NaN probability or target is refused, before anything is counted.
            if (T.IsNaN(probabilities[i]) || T.IsNaN(targets[i]))
            {
                throw new ArgumentOutOfRangeException(T.IsNaN(probabilities[i]) ? nameof(probabilities) : nameof(targets), $"element {i} is NaN: counts cannot hold it.");
            }
        }
        ClassCounts state = State;
        long hits = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            int predicted = double.CreateTruncating(probabilities[i]) > threshold ? 1 : 0;
            int label = targets[i] == T.One ? 1 : 0;
            state.Count(label, predicted, 2);
            hits += K == 2 || predicted == label ? 1 : 0;
        }
        _topKHits += hits;
        Count += probabilities.Length;
    }

    /// <summary>Adds everything another accumulator has counted (which is left unchanged).</summary>
    /// <param name="other">An accumulator with the same classes and k (not this one).</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="other"/> is this accumulator, or its classes or k differ.</exception>
    public void Merge(ClassificationMetrics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            throw new ArgumentException("An accumulator cannot be merged into itself: its rows would count twice.", nameof(other));
        }
        if (other.Classes != Classes || other.K != K)
        {
            throw new ArgumentException($"other has {other.Classes} classes and k = {other.K}; this accumulator has {Classes} and k = {K}.", nameof(other));
        }
        Add(_predicted, other._predicted);
        Add(_actual, other._actual);
        Add(_correct, other._correct);
        Add(_confusion, other._confusion);
        _topKHits += other._topKHits;
        Count += other.Count;
    }

    private static void Add(long[] into, long[] from)
    {
        for (int i = 0; i < into.Length; i++)
        {
            into[i] += from[i];
        }
    }

    /// <summary>Forgets everything added.</summary>
    public void Reset()
    {
        Array.Clear(_predicted);
        Array.Clear(_actual);
        Array.Clear(_correct);
        Array.Clear(_confusion);
        _topKHits = 0;
        Count = 0;
    }

    /// <summary>The share of rows predicted right (NaN when none were added).</summary>
    public double Accuracy => State.Averaged(ClassFigure.Recall, Average.Micro);

    /// <summary>The share of rows whose label is among their <see cref="K"/> largest logits (ties by class index, the lower first).</summary>
    public double TopKAccuracy => Count == 0 ? double.NaN : (double)_topKHits / Count;

    /// <summary>Precision averaged over the classes, as <see cref="Metric.Precision{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Average)"/>.</summary>
    /// <param name="average">Macro (default), micro or weighted.</param>
    public double Precision(Average average = Average.Macro) => Averaged(ClassFigure.Precision, average);

    /// <summary>Recall averaged over the classes, as <see cref="Metric.Recall{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Average)"/>.</summary>
    /// <param name="average">Macro (default), micro or weighted.</param>
    public double Recall(Average average = Average.Macro) => Averaged(ClassFigure.Recall, average);

    /// <summary>F1 averaged over the classes, as <see cref="Metric.F1Score{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Average)"/>.</summary>
    /// <param name="average">Macro (default), micro or weighted.</param>
    public double F1Score(Average average = Average.Macro) => Averaged(ClassFigure.F1, average);

    /// <summary>One class's precision (for a binary classifier, class 1's is the binary precision); 0 when nothing was predicted as it.</summary>
    /// <param name="class">A class in <c>[0, classes)</c>.</param>
    public double PrecisionOf(int @class) => Of(ClassFigure.Precision, @class);

    /// <summary>One class's recall; 0 when it has no rows.</summary>
    /// <param name="class">A class in <c>[0, classes)</c>.</param>
    public double RecallOf(int @class) => Of(ClassFigure.Recall, @class);

    /// <summary>One class's F1 score; 0 when it was neither predicted nor present.</summary>
    /// <param name="class">A class in <c>[0, classes)</c>.</param>
    public double F1ScoreOf(int @class) => Of(ClassFigure.F1, @class);

    /// <summary>Writes the confusion matrix (row = true class, column = predicted), as <see cref="Metric.ConfusionMatrix{T}"/>.</summary>
    /// <param name="destination">Receives <c>classes²</c> counts.</param>
    /// <exception cref="InvalidOperationException">More than <see cref="MaxConfusionMatrixClasses"/> classes: the matrix is not kept.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <c>classes²</c> long.</exception>
    public void ConfusionMatrix(Span<long> destination)
    {
        if (Classes > MaxConfusionMatrixClasses)
        {
            throw new InvalidOperationException($"The confusion matrix is kept up to {MaxConfusionMatrixClasses} classes; this accumulator has {Classes}.");
        }
        if (destination.Length != _confusion.Length)
        {
            throw new ArgumentException($"destination must have classes² = {_confusion.Length} elements, not {destination.Length}.", nameof(destination));
        }
        _confusion.CopyTo(destination);
    }

    private double Averaged(ClassFigure figure, Average average)
    {
        ClassCounts.CheckAverage(average);
        return State.Averaged(figure, average);
    }

    private double Of(ClassFigure figure, int @class)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(@class);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(@class, Classes);
        return ClassCounts.Of(figure, _predicted[@class], _actual[@class], _correct[@class]);
    }
}
