using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Binary cross-entropy of logits, as PyTorch's <c>binary_cross_entropy_with_logits</c>; stable for any finite logit.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the logits (usually 0 or 1).</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <param name="positiveWeight">Optional weight <c>pw</c> of the positive term (PyTorch's <c>pos_weight</c> as one scalar); not negative. Null means 1.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>Per element <c>−w(pw·t·log σ(x) + (1 − t)·log(1 − σ(x)))</c>, computed as <c>w((1 − t)x + (1 + (pw − 1)t)·softplus(−x))</c> with the <c>−x</c> of softplus folded into the linear term for <c>x &lt; 0</c>, so that no term cancels: never negative for <c>t</c> in [0, 1], accurate for any finite <c>x</c>; derivative <c>w((1 + (pw − 1)t)·σ(x) − pw·t)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="logits"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T BinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean, ReadOnlySpan<T> weights = default, T? positiveWeight = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(BinaryCrossEntropyWithLogitsForm(logits, targets, default, reduction, weights, positiveWeight, Form.Value));

    /// <summary>Binary cross-entropy of logits, as PyTorch's <c>binary_cross_entropy_with_logits</c>; stable for any finite logit. Also writes the gradient with respect to <paramref name="logits"/>, in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the logits (usually 0 or 1).</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits[i]</c> (including the <c>1/n</c> of <c>Mean</c>): as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <param name="positiveWeight">Optional weight <c>pw</c> of the positive term (PyTorch's <c>pos_weight</c> as one scalar); not negative. Null means 1.</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <remarks>Per element <c>−w(pw·t·log σ(x) + (1 − t)·log(1 − σ(x)))</c>, computed as <c>w((1 − t)x + (1 + (pw − 1)t)·softplus(−x))</c> with the <c>−x</c> of softplus folded into the linear term for <c>x &lt; 0</c>, so that no term cancels: never negative for <c>t</c> in [0, 1], accurate for any finite <c>x</c>; derivative <c>w((1 + (pw − 1)t)·σ(x) − pw·t)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="logits"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T BinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean, ReadOnlySpan<T> weights = default, T? positiveWeight = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(BinaryCrossEntropyWithLogitsForm(logits, targets, gradient, reduction, weights, positiveWeight, Form.Fused));

    /// <summary>The per-element form of BinaryCrossEntropyWithLogits (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the logits (usually 0 or 1).</param>
    /// <param name="destination">Receives each element's loss: as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <param name="positiveWeight">Optional weight <c>pw</c> of the positive term (PyTorch's <c>pos_weight</c> as one scalar); not negative. Null means 1.</param>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="logits"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void BinaryCrossEntropyWithLogitsPerElement<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> destination, ReadOnlySpan<T> weights = default, T? positiveWeight = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => BinaryCrossEntropyWithLogitsForm(logits, targets, destination, Reduction.Sum, weights, positiveWeight, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double BinaryCrossEntropyWithLogitsForm<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization,
        ReadOnlySpan<T> weights, T? positiveWeight, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(logits, targets);
        Guard.Output(output, form, logits, targets, weights);
        normalization.Check();
        Guard.Weights(weights, logits.Length);
        T pw = positiveWeight ?? T.One;
        Guard.NonNegative(pw, nameof(positiveWeight));
        // pw = 1 (or none) takes the operator without the positive weight: fewer operations, the same bits.
        return (weights.IsEmpty, pw == T.One) switch
        {
            (true, true) => Pointwise.Run(logits, targets, weights, output, new BinaryCrossEntropyWithLogitsOperator<T, No, No>(pw), normalization, form),
            (true, false) => Pointwise.Run(logits, targets, weights, output, new BinaryCrossEntropyWithLogitsOperator<T, No, Yes>(pw), normalization, form),
            (false, true) => Pointwise.Run(logits, targets, weights, output, new BinaryCrossEntropyWithLogitsOperator<T, Yes, No>(pw), normalization, form),
            _ => Pointwise.Run(logits, targets, weights, output, new BinaryCrossEntropyWithLogitsOperator<T, Yes, Yes>(pw), normalization, form),
        };
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="weights">Optional per-element weights of the shard (empty for none): as many as the inputs, none negative.</param>
    /// <param name="positiveWeight">Optional weight of the positive term (PyTorch's <c>pos_weight</c>); not negative. Null means 1.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial BinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, ReadOnlySpan<T> weights = default, T? positiveWeight = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.BinaryCrossEntropyWithLogitsForm(logits, targets, default, Reduction.Sum, weights, positiveWeight, Form.Value), logits.Length);

    /// <summary>The partial of one shard for <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits</c> of the batch's loss, for this shard's elements: as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="weights">Optional per-element weights of the shard (empty for none): as many as the inputs, none negative.</param>
    /// <param name="positiveWeight">Optional weight of the positive term (PyTorch's <c>pos_weight</c>); not negative. Null means 1.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial BinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient, ReadOnlySpan<T> weights = default, T? positiveWeight = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.BinaryCrossEntropyWithLogitsForm(logits, targets, gradient, Normalization.Shard(batchWeight), weights, positiveWeight, Form.Fused), logits.Length);
}

public static partial class ObjectiveTerm
{
    /// <summary>
    /// <paramref name="weight"/> · <see cref="Loss.BinaryCrossEntropyWithLogits{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, ReadOnlySpan{T}, T?)"/>
    /// with its <paramref name="positiveWeight"/> (null: 1; not negative).
    /// </summary>
    public static ObjectiveTerm<T> BinaryCrossEntropyWithLogits<T>(T weight, T? positiveWeight = null) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T pw = positiveWeight ?? T.One;
        Guard.NonNegative(pw, nameof(positiveWeight));
        return pw == T.One
            ? new LogisticTerm<T, BinaryCrossEntropyWithLogitsOperator<T, No, No>>("BinaryCrossEntropyWithLogits", weight, new(pw))
            : new LogisticTerm<T, BinaryCrossEntropyWithLogitsOperator<T, No, Yes>>($"BinaryCrossEntropyWithLogits(positiveWeight={pw})", weight, new(pw));
    }
}

/// <summary>
/// Binary cross-entropy on logits, as PyTorch's binary_cross_entropy_with_logits:
/// w((1 − t)x + (1 + (pw − 1)t)·softplus(−x)) (in the form of <see cref="Logistic.CrossEntropy"/>); gradient
/// w((1 + (pw − 1)t)σ(x) − pw·t).
/// </summary>
internal readonly struct BinaryCrossEntropyWithLogitsOperator<T, TWeights, TPositiveWeight>(T positiveWeight) : ILogisticLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TWeights : struct, IFlag
    where TPositiveWeight : struct, IFlag
{
    public static bool UsesWeights
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TWeights.Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
        => ValueAndGradient(x, y, w, default, out _, computeGradient: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
        => ValueAndGradient(x, y, w, scale, out gradient, computeGradient: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient, bool computeGradient) where TVec : struct, IVec<TVec, T>
    {
        LogisticPieces<TVec> pieces;
        Logistic.Split<TVec, T>(x, out pieces.Sigmoid, out pieces.SigmoidOfNegative, out pieces.Log1pOfExpMinusAbs);
        return FromPieces(x, y, w, in pieces, scale, out gradient, computeGradient);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec FromPieces<TVec>(TVec x, TVec y, TVec w, in LogisticPieces<TVec> pieces, TVec scale, out TVec gradient, bool computeGradient) where TVec : struct, IVec<TVec, T>
    {
        TVec one = TVec.CreateConstant(1.0);
        TVec sigmoid = pieces.Sigmoid, log1pE = pieces.Log1pOfExpMinusAbs;
        TVec loss, g;
        if (TPositiveWeight.Value)
        {
            TVec pw = TVec.Create(positiveWeight);
            // With pw = 1 the log weight is exactly 1 and each step below rounds as in the branch without pw.
            TVec logWeight = TVec.MultiplyAdd(pw - one, y, one);
            TVec positiveTarget = pw * y;
            loss = Logistic.CrossEntropy<TVec, T>(x, y, positiveTarget, logWeight * log1pE);
            g = computeGradient ? TVec.MultiplyAdd(logWeight, sigmoid, -positiveTarget) : default;
        }
        else
        {
            loss = Logistic.CrossEntropy<TVec, T>(x, y, y, log1pE);
            g = computeGradient ? sigmoid - y : default;
        }
        gradient = computeGradient ? (TWeights.Value ? g * w : g) * scale : default;
        return TWeights.Value ? loss * w : loss;
    }
}
