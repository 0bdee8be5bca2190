using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Metrics;

namespace FastLoss;

/// <summary>
/// Evaluation metrics: the numbers a person reads, without a gradient (see <see cref="Loss"/> for training
/// objectives). Inputs are float or double spans; results are double, accumulated in double in an order fixed by
/// the library (the same bits on every CPU); nothing is allocated on the managed heap (except where a method says
/// it rents scratch from a pool). Empty input gives NaN. Semantics are scikit-learn's. For batches that arrive over
/// time or from several workers, see <see cref="RegressionMetrics"/> and <see cref="ClassificationMetrics"/>.
/// </summary>
public static partial class Metric
{
    /// <summary>The mean of a per-element term in double; NaN for empty input.</summary>
    private static double Mean<T, TOp>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, in TOp term,
        [CallerArgumentExpression(nameof(predictions))] string? predictionsName = null,
        [CallerArgumentExpression(nameof(targets))] string? targetsName = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, Kernels.IPointwiseLoss<double>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets, predictionsName, targetsName);
        return predictions.IsEmpty ? double.NaN : Kernels.MetricSum.Sum(predictions, targets, in term) / predictions.Length;
    }

    /// <summary>The statistics R² needs (not the absolute errors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RegressionStatistics Regression<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets,
        [CallerArgumentExpression(nameof(predictions))] string? predictionsName = null,
        [CallerArgumentExpression(nameof(targets))] string? targetsName = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets, predictionsName, targetsName);
        return RegressionStatistics.Of(predictions, targets, absoluteErrors: false);
    }

    /// <summary>Mean squared error, <c>mean((p − t)²)</c>, in double (scikit-learn's <c>mean_squared_error</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <returns>The metric; NaN for empty input; NaN and infinities propagate.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static double MeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Mean(predictions, targets, new SquaredErrorOperator<double>());

    /// <summary>Root mean squared error, <c>√mean((p − t)²)</c>, in double (scikit-learn's <c>mean_squared_error(squared=False)</c>).</summary>
    /// <inheritdoc cref="MeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>
    /// <remarks>
    /// The squares are taken in double: exact range for float inputs; for double inputs beyond about 1e154 the
    /// training loss <see cref="Loss.RootMeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>, which
    /// scales, stays finite where this overflows.
    /// </remarks>
    public static double RootMeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Math.Sqrt(MeanSquaredError(predictions, targets));

    /// <summary>Mean absolute error, <c>mean(|p − t|)</c>, in double (scikit-learn's <c>mean_absolute_error</c>).</summary>
    /// <inheritdoc cref="MeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>
    public static double MeanAbsoluteError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Mean(predictions, targets, new AbsoluteErrorOperator<double>());

    /// <summary>
    /// Mean absolute percentage error, <c>mean(|t − p| / max(|t|, 2⁻⁵²))</c>, in double, as a fraction (scikit-learn's
    /// <c>mean_absolute_percentage_error</c>: a zero target gives a huge term, not an infinite one).
    /// </summary>
    /// <inheritdoc cref="MeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>
    public static double MeanAbsolutePercentageError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Mean(predictions, targets, new Kernels.AbsolutePercentageErrorOperator());

    /// <summary>
    /// The coefficient of determination, <c>1 − Σ(t − p)² / Σ(t − mean(t))²</c> (scikit-learn's <c>r2_score</c>):
    /// constant targets give 1 where the predictions equal them and 0 otherwise; fewer than two elements give NaN.
    /// </summary>
    /// <inheritdoc cref="MeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>
    /// <remarks>
    /// The targets' mean is taken first and their squared deviations from it second, in double: right for targets
    /// with a large mean and a small spread (1e6 ± 1), where a one-pass Σt² − (Σt)²/n loses every digit.
    /// </remarks>
    public static double R2Score<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Regression(predictions, targets).R2Score;
}
