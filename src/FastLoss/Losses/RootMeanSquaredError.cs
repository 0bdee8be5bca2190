using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Root mean squared error: <c>sqrt(mean((p − t)²))</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <returns>The RMSE; NaN for empty input.</returns>
    /// <remarks>
    /// The mean is taken in double in an order fixed by the library (bit-identical on every CPU); the square root
    /// of it is rounded once to <typeparamref name="T"/>. Right for every finite input: where the squares would
    /// overflow or fall below the normal range of <typeparamref name="T"/> (|p − t| beyond about 1.8e19 or below
    /// 1e-15 in float, 1.3e154 and 1e-146 in double), a second pass takes them of the differences scaled by a power
    /// of two, as <c>hypot</c> does. ∞ only where the RMSE itself exceeds <typeparamref name="T"/>'s range.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T RootMeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        if (predictions.IsEmpty)
        {
            return T.NaN;
        }
        double scaledRms = ScaledRootMeanSquare(predictions, targets, out T scale);
        return T.CreateTruncating(scaledRms / double.CreateTruncating(scale));
    }

    /// <summary>Root mean squared error, and its gradient <c>(p − t)/(n·rmse)</c> (0 everywhere where the RMSE is 0).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂rmse/∂predictions[i]</c>; as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <returns>The RMSE; NaN for empty input (nothing is written).</returns>
    /// <remarks>
    /// The gradient needs the RMSE first, so this reads the inputs twice: once to reduce and once to write the
    /// gradient (three times where the squares need scaling, see the value-only overload). The gradient is right
    /// for every finite input too: it is formed from the scaled differences and the scaled RMSE, each in range.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T RootMeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(gradient, predictions, targets, default);
        if (predictions.IsEmpty)
        {
            return T.NaN;
        }
        double scaledRms = ScaledRootMeanSquare(predictions, targets, out T scale);
        T result = T.CreateTruncating(scaledRms / double.CreateTruncating(scale));
        // (p·s − t·s)/(n·rmse·s); where the RMSE is 0 every difference is 0 and so is the gradient.
        T factor = scaledRms == 0 ? T.Zero : T.CreateTruncating(1.0 / (predictions.Length * scaledRms));
        Pointwise.Run(predictions, targets, default, gradient, new ScaledDifferenceOperator<T>(scale, factor), Reduction.Sum, Form.PerElement);
        return result;
    }

    /// <summary>
    /// sqrt(mean((p·s − t·s)²)) and the power of two s it was taken with: 1 where the squares of the plain
    /// differences are in range, else one chosen from the first pass's sum, so that the largest scaled difference
    /// is near 2^60 (float) or 2^480 (double): its square is far from overflow, even summed over 2^31 elements,
    /// and any difference small enough to lose its square to underflow is below 2^-120 of the largest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ScaledRootMeanSquare<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, out T scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        int n = predictions.Length;
        double mean = Dispatch.Pointwise<T, SquaredErrorOperator<T>, ValueMode>(predictions, targets, default, default, default, T.One, n);
        scale = T.One;
        // Squares below T's normal range lose bits (at most 2^-150 or 2^-1075 each): below this mean that could be
        // more than 2^-50 (2^-105) of it. An infinite mean comes from finite differences whose squares overflow
        // (or from infinite inputs, which the second pass gives again).
        double smallest = Math.ScaleB(1.0, single ? -100 : -970);
        if (!(mean < smallest) && !double.IsPositiveInfinity(mean))
        {
            return Math.Sqrt(mean);
        }
        // A bound on max |p − t|: every difference whose square is normal has it in the sum, n·mean; the others are
        // below the square root of T's smallest normal. Where the squares overflowed, p − t itself may have: 2·MaxValue.
        int log2Bound = double.IsPositiveInfinity(mean)
            ? (single ? 129 : 1025)
            : Math.ILogB(Math.Max(Math.Sqrt(mean) * Math.Sqrt(n) * (1 + 1e-6), Math.ScaleB(1.0, single ? -63 : -511))) + 1;
        scale = T.CreateTruncating(Math.ScaleB(1.0, (single ? 60 : 480) - log2Bound));
        return Math.Sqrt(Dispatch.Pointwise<T, ScaledSquaredErrorOperator<T>, ValueMode>(predictions, targets, default, default, new ScaledSquaredErrorOperator<T>(scale), T.One, n));
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.RootMeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>: the sum of its squared errors. The batch's RMSE is the square root of the merged partial's <see cref="LossPartial.Mean"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the predictions.</param>
    /// <returns>The shard's partial: <c>Σ(p − t)²</c> and its element count. The squares are summed as <c>MeanSquaredError</c> sums them, so, unlike the one call, they overflow where <c>|p − t|</c> exceeds about 1.8e19 (float) or 1.3e154 (double).</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial RootMeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MeanSquaredError(predictions, targets);

    /// <summary>
    /// The second step of a sharded root mean squared error: with the merged partial of all shards
    /// (<see cref="RootMeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>), writes this shard's part of the
    /// batch's gradient <c>(p − t)/(n·rmse)</c> (0 where the RMSE is 0) and returns the batch's RMSE.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the predictions.</param>
    /// <param name="batch">The merged partial of every shard of the batch; its weight positive.</param>
    /// <param name="gradient">Receives <c>∂rmse/∂predictions</c> for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <returns>The batch's RMSE, <c>sqrt(batch.Mean)</c>.</returns>
    /// <remarks>Each element's gradient is the one call's formula with the merged RMSE; that RMSE equals the one call's to rounding (its squares are added in another order), bit for bit for one shard.</remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> has no weight (an empty batch) or a negative or NaN sum.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T RootMeanSquaredErrorGradient<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, LossPartial batch, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(gradient, predictions, targets, default);
        if (!(batch.Weight > 0) || !(batch.Sum >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be the merged partial of a non-empty batch's squared errors: weight positive, sum not negative.");
        }
        double rms = Math.Sqrt(batch.Mean);
        // As Loss.RootMeanSquaredError: (p − t)·1/(n·rmse), the factor rounded once to T.
        T factor = rms == 0 ? T.Zero : T.CreateTruncating(1.0 / (batch.Weight * rms));
        Pointwise.Run(predictions, targets, default, gradient, new ScaledDifferenceOperator<T>(T.One, factor), Reduction.Sum, Form.PerElement);
        return T.CreateTruncating(rms);
    }
}

/// <summary>(p·s − t·s)²: the squares of RMSE's second pass, with s a power of two that keeps them in range.</summary>
internal readonly struct ScaledSquaredErrorOperator<T>(T scale) : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        // Each input scaled before the difference, which may itself overflow unscaled.
        TVec s = TVec.Create(scale);
        TVec d = x * s - y * s;
        return d * d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec gradientScale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        gradient = gradientScale;
        return Value(x, y, w);
    }
}

/// <summary>
/// (p·s − t·s)·factor: the gradient pass of RMSE, where s is the power of two of its squares (1 unless they needed
/// scaling: then p·1 = p and the bits are those of (p − t)·factor) and factor = 1/(n·rmse·s).
/// </summary>
internal readonly struct ScaledDifferenceOperator<T>(T scale, T factor) : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        TVec s = TVec.Create(scale);
        return (x * s - y * s) * TVec.Create(factor);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec gradientScale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        gradient = gradientScale;
        return Value(x, y, w);
    }
}
