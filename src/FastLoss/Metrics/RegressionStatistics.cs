using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastLoss.Kernels;

namespace FastLoss.Metrics;

/// <summary>
/// The sufficient statistics of the regression metrics over some elements, in double: the count, the targets' mean
/// and squared deviations from it (Chan et al.'s mergeable pair), and the sums of squared, absolute and relative
/// errors. Two merge into the statistics of their union; the data is never kept. The mean is kept as an offset from
/// a shift (the first target seen): for targets of 1e4 ± 1e-2 a mean rounded at 1e4 would put an error of 1e-12 in
/// the difference of two batches' means, which the merge squares; an offset from a nearby target has none.
/// </summary>
internal struct RegressionStatistics
{
    public long Count;
    public double Shift;
    public double TargetOffset;
    public double TargetSquares;
    public double SquaredErrors;
    public double AbsoluteErrors;
    public double PercentageErrors;

    /// <summary>The statistics of one batch (lengths already checked): the targets' mean first, then the deviations from it.</summary>
    /// <param name="predictions">The predictions.</param>
    /// <param name="targets">The targets.</param>
    /// <param name="absoluteErrors">Whether to sum the absolute and relative errors too (R² alone needs neither: two passes fewer).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RegressionStatistics Of<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, bool absoluteErrors = true)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RegressionStatistics s = default;
        if (predictions.IsEmpty)
        {
            return s;
        }
        s.Count = predictions.Length;
        // Two passes for the targets: the mean, then the squares of the deviations from it (R² stays right for
        // targets with a large mean and a small spread, where Σt² − (Σt)²/n cancels).
        s.Shift = double.CreateTruncating(targets[0]);
        s.TargetOffset = MetricSum.Sum(targets, new ShiftedTargetOperator(s.Shift)) / predictions.Length;
        CenteredSquareOperator centered = new(s.Shift, s.TargetOffset);
        if (typeof(T) == typeof(float))
        {
            // The other sums in one pass over both inputs: each chunk widened once for all (the same chunk sums).
            ErrorSums sums = new(centered, absoluteErrors);
            MetricSum.Sums(MemoryMarshal.Cast<T, float>(predictions), MemoryMarshal.Cast<T, float>(targets), ref sums);
            s.TargetSquares = sums.TargetSquares;
            s.SquaredErrors = sums.SquaredErrors;
            s.AbsoluteErrors = sums.AbsoluteErrors;
            s.PercentageErrors = sums.PercentageErrors;
            return s;
        }
        s.TargetSquares = MetricSum.Sum(targets, centered);
        s.SquaredErrors = MetricSum.Sum(predictions, targets, new SquaredErrorOperator<double>());
        if (absoluteErrors)
        {
            s.AbsoluteErrors = MetricSum.Sum(predictions, targets, new AbsoluteErrorOperator<double>());
            s.PercentageErrors = MetricSum.Sum(predictions, targets, new AbsolutePercentageErrorOperator());
        }
        return s;
    }

    /// <summary>The sums after the targets' mean, a chunk of (predictions, targets) at a time (float inputs).</summary>
    private struct ErrorSums(CenteredSquareOperator centered, bool absoluteErrors) : IChunkSums
    {
        public double TargetSquares, SquaredErrors, AbsoluteErrors, PercentageErrors;

        public void Add(ReadOnlySpan<double> p, ReadOnlySpan<double> t)
        {
            TargetSquares += MetricSum.ChunkSum(t, t, in centered);
            SquaredErrors += MetricSum.ChunkSum(p, t, new SquaredErrorOperator<double>());
            if (absoluteErrors)
            {
                AbsoluteErrors += MetricSum.ChunkSum(p, t, new AbsoluteErrorOperator<double>());
                PercentageErrors += MetricSum.ChunkSum(p, t, new AbsolutePercentageErrorOperator());
            }
        }
    }

    /// <summary>The statistics of both sets of elements (Chan, Golub and LeVeque's pairwise update for the targets).</summary>
    public static RegressionStatistics Merge(in RegressionStatistics a, in RegressionStatistics b)
    {
        if (b.Count == 0)
        {
            return a;
        }
        if (a.Count == 0)
        {
            return b;
        }
        long n = a.Count + b.Count;
        // b's mean as an offset from a's shift: the two shifts are targets, their difference small where it matters.
        double delta = (b.TargetOffset + (b.Shift - a.Shift)) - a.TargetOffset;
        return new RegressionStatistics
        {
            Count = n,
            Shift = a.Shift,
            TargetOffset = a.TargetOffset + delta * ((double)b.Count / n),
            TargetSquares = a.TargetSquares + b.TargetSquares + delta * delta * ((double)a.Count * b.Count / n),
            SquaredErrors = a.SquaredErrors + b.SquaredErrors,
            AbsoluteErrors = a.AbsoluteErrors + b.AbsoluteErrors,
            PercentageErrors = a.PercentageErrors + b.PercentageErrors,
        };
    }

    public readonly double MeanSquaredError => SquaredErrors / Count;

    public readonly double RootMeanSquaredError => Math.Sqrt(SquaredErrors / Count);

    public readonly double MeanAbsoluteError => AbsoluteErrors / Count;

    public readonly double MeanAbsolutePercentageError => PercentageErrors / Count;

    /// <summary>1 − SSres/SStot; constant targets give 1 where the predictions equal them, else 0; fewer than two elements NaN.</summary>
    public readonly double R2Score
    {
        get
        {
            if (Count < 2)
            {
                return double.NaN;
            }
            if (TargetSquares == 0)
            {
                return SquaredErrors == 0 ? 1 : SquaredErrors > 0 ? 0 : double.NaN;
            }
            return 1 - SquaredErrors / TargetSquares;
        }
    }
}
