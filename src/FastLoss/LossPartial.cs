using System;
using System.Globalization;
using System.Numerics;
using FastLoss.Kernels;

namespace FastLoss;

/// <summary>
/// What one shard of a batch contributes to a loss: the plain sum of its (weighted) losses and the weight that a
/// mean over the batch divides by (its elements or rows, or for <c>CrossEntropy</c> and <c>NegativeLogLikelihood</c>
/// with labels the summed class weights of its rows that are not ignored). Partials merge associatively (to
/// rounding) into the partial of the whole batch, whose <see cref="Mean"/> is the value of one call over it.
/// Made by the methods of <see cref="Shard"/>.
/// </summary>
/// <remarks>
/// The weight is kept as a pair of doubles (<see cref="Weight"/> and <see cref="WeightResidual"/>, Neumaier's
/// compensated sum): merged in any order it is the exact total weight rounded once, which is what the one call
/// divides by, so that the gradients the shards write with it are the one call's bit for bit. To send a partial to
/// another process, send its three numbers and rebuild it with the constructor.
/// </remarks>
public readonly struct LossPartial : IEquatable<LossPartial>
{
    private readonly double _residual;

    /// <summary>A partial from its parts, as read from <see cref="Sum"/>, <see cref="Weight"/> and <see cref="WeightResidual"/>.</summary>
    /// <param name="sum">The sum of the shard's losses.</param>
    /// <param name="weight">What a mean divides by: finite, not negative.</param>
    /// <param name="weightResidual">The part of the weight below <paramref name="weight"/>'s last bit (0 for a count): finite, and smaller in magnitude than <paramref name="weight"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is negative, NaN or infinite, or <paramref name="weightResidual"/> is not finite or not below <paramref name="weight"/>.</exception>
    public LossPartial(double sum, double weight, double weightResidual = 0)
    {
        if (!(weight >= 0) || double.IsPositiveInfinity(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "weight must be finite and not negative.");
        }
        if (!double.IsFinite(weightResidual) || (weightResidual != 0 && !(Math.Abs(weightResidual) < weight)))
        {
            throw new ArgumentOutOfRangeException(nameof(weightResidual), weightResidual, $"weightResidual must be finite and smaller in magnitude than weight ({weight}).");
        }
        Sum = sum;
        (Weight, _residual) = Normalized(weight, weightResidual);
    }

    internal LossPartial(double sum, CompensatedSum weight)
    {
        Sum = sum;
        (Weight, _residual) = Normalized(weight.High, weight.Low);
    }

    /// <summary>
    /// high + low as the total rounded once and the exact rest (Fast2Sum, |low| ≤ |high|), so that Weight is the
    /// total and the three numbers rebuild the same partial.
    /// </summary>
    private static (double Total, double Remainder) Normalized(double high, double low)
    {
        double total = high + low;
        return (total, low - (total - high));
    }

    /// <summary>The partial of nothing: sum 0, weight 0 (the identity of <see cref="Merge(LossPartial)"/>).</summary>
    public static LossPartial Empty => default;

    /// <summary>The sum of the shard's losses (in double, whatever the loss's element type).</summary>
    public double Sum { get; }

    /// <summary>What a mean over the shard divides by, rounded once: its element or row count, or its summed class weights.</summary>
    public double Weight { get; }

    /// <summary>The exact weight minus <see cref="Weight"/> (0 for counts): kept so that merges stay exact; send it along with the others.</summary>
    public double WeightResidual => _residual;

    /// <summary><see cref="Sum"/> / <see cref="Weight"/>: the <c>Mean</c> of the loss over the shard, or of the batch for a merged partial (NaN for weight 0).</summary>
    public double Mean => Sum / Weight;

    /// <summary>The loss as one call with <paramref name="reduction"/> returns it: <see cref="Mean"/> or <see cref="Sum"/>, rounded to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    public T Value<T>(Reduction reduction = Reduction.Mean) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Reduction(reduction);
        return T.CreateTruncating(reduction == Reduction.Mean ? Mean : Sum);
    }

    /// <summary>This partial and <paramref name="other"/>'s: the sums added, the weights added without losing bits.</summary>
    /// <param name="other">The partial of another shard of the same batch and loss.</param>
    /// <returns>The partial of both shards; in any order and grouping the same up to the rounding of the sums (the merged weight is the exact total rounded once).</returns>
    public LossPartial Merge(LossPartial other)
    {
        CompensatedSum weight = new() { High = Weight, Low = _residual };
        return new LossPartial(Sum + other.Sum, weight.Plus(new CompensatedSum { High = other.Weight, Low = other._residual }));
    }

    /// <summary>Merges the partials in order: the partial of all their shards.</summary>
    /// <param name="partials">The partials (none gives <see cref="Empty"/>).</param>
    public static LossPartial Merge(ReadOnlySpan<LossPartial> partials)
    {
        LossPartial total = Empty;
        foreach (LossPartial partial in partials)
        {
            total = total.Merge(partial);
        }
        return total;
    }

    /// <summary>The merge of two partials (<see cref="Merge(LossPartial)"/>).</summary>
    public static LossPartial operator +(LossPartial left, LossPartial right) => left.Merge(right);

    /// <summary>Whether the three numbers are the same.</summary>
    public static bool operator ==(LossPartial left, LossPartial right) => left.Equals(right);

    /// <summary>Whether any of the three numbers differs.</summary>
    public static bool operator !=(LossPartial left, LossPartial right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(LossPartial other) => Sum.Equals(other.Sum) && Weight.Equals(other.Weight) && _residual.Equals(other._residual);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LossPartial other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Sum, Weight, _residual);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"LossPartial(sum {Sum:R}, weight {Weight:R})");
}
