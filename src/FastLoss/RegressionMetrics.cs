using System;
using System.Numerics;
using FastLoss.Metrics;

namespace FastLoss;

/// <summary>
/// The regression metrics of data that arrives in batches, or on several threads or workers: <see cref="Add{T}"/>
/// each batch, <see cref="Merge"/> the accumulators of the others, read any metric. The state is a few doubles
/// (the count, the targets' mean and squared deviations as in Chan et al.'s pairwise update, the sums of squared,
/// absolute and relative errors), never the data, so it does not grow with the data and merges in any order; the
/// result equals one call of <see cref="Metric"/> over all the data to rounding, and is the same bits for the same
/// batches and merges. <see cref="Add{T}"/> and <see cref="Merge"/> allocate nothing. Not thread-safe: one
/// accumulator per thread, merged at the end (torchmetrics' <c>update</c>, <c>sync</c> and <c>compute</c>).
/// </summary>
public sealed class RegressionMetrics
{
    private RegressionStatistics _state;

    /// <summary>The number of elements added.</summary>
    public long Count => _state.Count;

    /// <summary>Adds a batch of predictions and their targets.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions.</param>
    /// <param name="targets">The targets, as many as <paramref name="predictions"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ (nothing is added).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public void Add<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        RegressionStatistics batch = RegressionStatistics.Of(predictions, targets);
        _state = RegressionStatistics.Merge(in _state, in batch);
    }

    /// <summary>Adds everything another accumulator has seen (which is left unchanged).</summary>
    /// <param name="other">Another accumulator (not this one).</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="other"/> is this accumulator.</exception>
    public void Merge(RegressionMetrics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            throw new ArgumentException("An accumulator cannot be merged into itself: its data would count twice.", nameof(other));
        }
        _state = RegressionStatistics.Merge(in _state, in other._state);
    }

    /// <summary>Forgets everything added.</summary>
    public void Reset() => _state = default;

    /// <summary>As <see cref="Metric.MeanSquaredError{T}"/> over everything added (NaN when nothing was).</summary>
    public double MeanSquaredError => _state.MeanSquaredError;

    /// <summary>As <see cref="Metric.RootMeanSquaredError{T}"/> over everything added.</summary>
    public double RootMeanSquaredError => _state.RootMeanSquaredError;

    /// <summary>As <see cref="Metric.MeanAbsoluteError{T}"/> over everything added.</summary>
    public double MeanAbsoluteError => _state.MeanAbsoluteError;

    /// <summary>As <see cref="Metric.MeanAbsolutePercentageError{T}"/> over everything added.</summary>
    public double MeanAbsolutePercentageError => _state.MeanAbsolutePercentageError;

    /// <summary>As <see cref="Metric.R2Score{T}"/> over everything added.</summary>
    public double R2Score => _state.R2Score;
}
