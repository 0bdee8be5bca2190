using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Binary cross-entropy of probabilities, as PyTorch's <c>binary_cross_entropy</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities <c>p</c>, each in [0, 1] (NaN propagates).</param>
    /// <param name="targets">The targets <c>t</c>, as many as the probabilities (usually 0 or 1).</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>Per element <c>−w(t·log p + (1 − t)·log(1 − p))</c> with each log clamped at −100 (so p = 0 or 1 gives a finite loss); derivative <c>w(p − t)/max(p(1 − p), 1e-12)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="probabilities"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T BinaryCrossEntropy<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean, ReadOnlySpan<T> weights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(BinaryCrossEntropyForm(probabilities, targets, default, reduction, weights, Form.Value));

    /// <summary>Binary cross-entropy of probabilities, as PyTorch's <c>binary_cross_entropy</c>. Also writes the gradient with respect to <paramref name="probabilities"/>, in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities <c>p</c>, each in [0, 1] (NaN propagates).</param>
    /// <param name="targets">The targets <c>t</c>, as many as the probabilities (usually 0 or 1).</param>
    /// <param name="gradient">Receives <c>∂loss/∂probabilities[i]</c> (including the <c>1/n</c> of <c>Mean</c>): as long as <paramref name="probabilities"/>, separate from the inputs or the very memory of <paramref name="probabilities"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <remarks>Per element <c>−w(t·log p + (1 − t)·log(1 − p))</c> with each log clamped at −100 (so p = 0 or 1 gives a finite loss); derivative <c>w(p − t)/max(p(1 − p), 1e-12)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="probabilities"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T BinaryCrossEntropy<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean, ReadOnlySpan<T> weights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(BinaryCrossEntropyForm(probabilities, targets, gradient, reduction, weights, Form.Fused));

    /// <summary>The per-element form of BinaryCrossEntropy (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities <c>p</c>, each in [0, 1] (NaN propagates).</param>
    /// <param name="targets">The targets <c>t</c>, as many as the probabilities (usually 0 or 1).</param>
    /// <param name="destination">Receives each element's loss: as long as <paramref name="probabilities"/>, separate from the inputs or the very memory of <paramref name="probabilities"/>.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="probabilities"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void BinaryCrossEntropyPerElement<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, Span<T> destination, ReadOnlySpan<T> weights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => BinaryCrossEntropyForm(probabilities, targets, destination, Reduction.Sum, weights, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double BinaryCrossEntropyForm<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, ReadOnlySpan<T> weights, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(probabilities, targets);
        Guard.Output(output, form, probabilities, targets, weights);
        normalization.Check();
        Guard.Weights(weights, probabilities.Length);
        Guard.Probabilities(probabilities);
        return weights.IsEmpty
            ? Pointwise.Run(probabilities, targets, weights, output, new BinaryCrossEntropyOperator<T, No>(), normalization, form)
            : Pointwise.Run(probabilities, targets, weights, output, new BinaryCrossEntropyOperator<T, Yes>(), normalization, form);
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities <c>p</c> of the shard, each in [0, 1].</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="weights">Optional per-element weights of the shard (empty for none): as many as the inputs, none negative.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial BinaryCrossEntropy<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, ReadOnlySpan<T> weights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.BinaryCrossEntropyForm(probabilities, targets, default, Reduction.Sum, weights, Form.Value), probabilities.Length);

    /// <summary>The partial of one shard for <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities <c>p</c> of the shard, each in [0, 1].</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂probabilities</c> of the batch's loss, for this shard's elements: as long as <paramref name="probabilities"/>, separate from the inputs or the very memory of <paramref name="probabilities"/>.</param>
    /// <param name="weights">Optional per-element weights of the shard (empty for none): as many as the inputs, none negative.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial BinaryCrossEntropy<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient, ReadOnlySpan<T> weights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.BinaryCrossEntropyForm(probabilities, targets, gradient, Normalization.Shard(batchWeight), weights, Form.Fused), probabilities.Length);
}

public static partial class ObjectiveTerm
{
    /// <summary><paramref name="weight"/> · <see cref="Loss.BinaryCrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T})"/>: the input holds probabilities in [0, 1].</summary>
    public static ObjectiveTerm<T> BinaryCrossEntropy<T>(T weight) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new OperatorTerm<T, BinaryCrossEntropyOperator<T, No>>("BinaryCrossEntropy", weight, new(),
            InputsAreProbabilities);
}

/// <summary>
/// Binary cross-entropy on probabilities, as PyTorch's binary_cross_entropy: each log clamped at −100,
/// gradient w(p − t)/max(p(1 − p), 1e-12).
/// </summary>
internal readonly struct BinaryCrossEntropyOperator<T, TWeights> : IPointwiseLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TWeights : struct, IFlag
{
    public static bool UsesWeights
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TWeights.Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        TVec floor = Lane.Of<TVec, T>(-100.0);
        TVec logP = VMath.Log<TVec, T>(x);
        TVec log1mP = VMath.Log1p<TVec, T>(-x);
        logP = TVec.Select(TVec.LessThan(logP, floor), floor, logP);
        log1mP = TVec.Select(TVec.LessThan(log1mP, floor), floor, log1mP);
        TVec loss = (y - TVec.CreateConstant(1.0)) * log1mP - y * logP;
        return TWeights.Value ? loss * w : loss;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec one = TVec.CreateConstant(1.0);
        TVec denominator = (one - x) * x;
        TVec eps = Lane.Of<TVec, T>(1e-12);
        denominator = TVec.Select(TVec.LessThan(denominator, eps), eps, denominator);
        TVec g = (x - y) / denominator;
        gradient = (TWeights.Value ? g * w : g) * scale;
        return Value(x, y, w);
    }
}
