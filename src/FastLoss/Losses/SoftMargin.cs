using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Soft-margin loss: the reduced <c>log(1 + e^(−t·x))</c> for targets ±1, as PyTorch's <c>soft_margin_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1, as many as <paramref name="scores"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element <c>softplus(−t·x)</c>, computed without overflow for any finite score; derivative <c>−t·σ(−t·x)</c>.
    /// <c>Mean</c> divides by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// Bit-identical on every CPU.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is neither −1 nor +1, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SoftMargin<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(SoftMarginForm(scores, targets, default, reduction, Form.Value));

    /// <summary>Soft-margin loss, as PyTorch's <c>soft_margin_loss</c>, and its gradient in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1, as many as <paramref name="scores"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂scores[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is neither −1 nor +1, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SoftMargin<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(SoftMarginForm(scores, targets, gradient, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="SoftMargin{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is neither −1 nor +1.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void SoftMarginPerElement<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => SoftMarginForm(scores, targets, destination, Reduction.Sum, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double SoftMarginForm<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(scores, targets);
        Guard.Output(output, form, scores, targets, default);
        normalization.Check();
        Guard.Signs(targets);
        return Pointwise.Run(scores, targets, default, output, new SoftMarginOperator<T>(), normalization, form);
    }
}

/// <summary>
/// softplus(−t·x) for t = ±1: binary cross-entropy of the logit x against the 0/1 target (1 + t)/2 (exact for ±1),
/// so it shares that loss's stable form; gradient σ(x) − (1 + t)/2 = −t·σ(−t·x).
/// </summary>
internal readonly struct SoftMarginOperator<T> : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ZeroOne<TVec>(TVec y) where TVec : struct, IVec<TVec, T>
        => (y + TVec.CreateConstant(1.0)) * TVec.CreateConstant(0.5);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
        => new BinaryCrossEntropyWithLogitsOperator<T, No, No>().Value(x, ZeroOne(y), w);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
        => new BinaryCrossEntropyWithLogitsOperator<T, No, No>().ValueAndGradient(x, ZeroOne(y), w, scale, out gradient);
}
