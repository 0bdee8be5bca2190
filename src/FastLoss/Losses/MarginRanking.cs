using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Margin ranking loss: the reduced <c>max(0, −t·(x₁ − x₂) + margin)</c> for targets ±1, as PyTorch's <c>margin_ranking_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="input1">The first scores <c>x₁</c>.</param>
    /// <param name="input2">The second scores <c>x₂</c>, as many as <paramref name="input1"/>.</param>
    /// <param name="targets">Per element +1 where <c>x₁</c> should rank higher, −1 where <c>x₂</c> should.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="margin">The margin (default 0); finite.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Derivatives <c>−t</c> for <c>x₁</c> and <c>+t</c> for <c>x₂</c> where the hinge is positive, else 0. <c>Mean</c> divides by
    /// the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is neither −1 nor +1, <paramref name="margin"/> is not finite, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MarginRanking<T>(ReadOnlySpan<T> input1, ReadOnlySpan<T> input2, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean, double margin = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MarginRankingForm(input1, input2, targets, default, default, reduction, margin, Form.Value));

    /// <summary>Margin ranking loss, and the gradients of both inputs in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="input1">The first scores <c>x₁</c>.</param>
    /// <param name="input2">The second scores <c>x₂</c>, as many as <paramref name="input1"/>.</param>
    /// <param name="targets">Per element +1 or −1.</param>
    /// <param name="gradient1">Receives <c>∂loss/∂input1[i]</c> (including the <c>1/n</c> of <c>Mean</c>), or empty for none; separate from the inputs or <paramref name="input1"/> itself.</param>
    /// <param name="gradient2">Receives <c>∂loss/∂input2[i]</c>, or empty for none; separate from the inputs or <paramref name="input2"/> itself.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="margin">The margin (default 0); finite.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <exception cref="ArgumentException">A length differs, or a gradient overlaps memory other than its own input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MarginRanking<T>(ReadOnlySpan<T> input1, ReadOnlySpan<T> input2, ReadOnlySpan<T> targets, Span<T> gradient1, Span<T> gradient2,
        Reduction reduction = Reduction.Mean, double margin = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MarginRankingForm(input1, input2, targets, gradient1, gradient2, reduction, margin, Form.Fused));

    /// <summary>The per-element form of <see cref="MarginRanking{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double)"/>: writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="input1">The first scores.</param>
    /// <param name="input2">The second scores.</param>
    /// <param name="targets">Per element +1 or −1.</param>
    /// <param name="destination">Receives the loss of each element; separate from the inputs or <paramref name="input1"/> itself.</param>
    /// <param name="margin">The margin (default 0); finite.</param>
    /// <exception cref="ArgumentException">A length differs, or <paramref name="destination"/> overlaps an input other than <paramref name="input1"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is neither −1 nor +1, or <paramref name="margin"/> is not finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void MarginRankingPerElement<T>(ReadOnlySpan<T> input1, ReadOnlySpan<T> input2, ReadOnlySpan<T> targets, Span<T> destination, double margin = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MarginRankingForm(input1, input2, targets, destination, default, Reduction.Sum, margin, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double MarginRankingForm<T>(ReadOnlySpan<T> input1, ReadOnlySpan<T> input2, ReadOnlySpan<T> targets, Span<T> output1, Span<T> output2,
        Normalization normalization, double margin, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(input1, input2);
        Guard.SameLength(input1, targets);
        Guard.TwoGradientOutputs(form, output1, input1, output2, input2, targets, "gradient1", nameof(input1), "gradient2", nameof(input2));
        normalization.Check();
        Guard.Finite(margin);
        Guard.Signs(targets);
        return Pointwise.Run(input1, input2, targets, output1, output2, new MarginRankingOperator<T>(T.CreateTruncating(margin)), normalization, form);
    }
}

/// <summary>max(0, −t·(x₁ − x₂) + margin) with x = x₁, y = x₂ and the targets in the weight slot; gradients −t and +t where positive.</summary>
internal readonly struct MarginRankingOperator<T>(T margin) : IPointwiseLoss<T>, ITwoGradientLoss, ILargeCheapLoss where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool UsesWeights
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVec Hinge<TVec>(TVec x, TVec y, TVec t) where TVec : struct, IVec<TVec, T>
        => TVec.Create(margin) - t * (x - y);

    /// <summary>max(0, h) that keeps NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Positive<TVec>(TVec h) where TVec : struct, IVec<TVec, T>
        => TVec.Select(TVec.LessThanOrEqual(h, TVec.CreateConstant(0.0)), TVec.CreateConstant(0.0), h);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
        => Positive(Hinge(x, y, w));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
        => ValueAndGradients(x, y, w, scale, out gradient, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradients<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient, out TVec secondGradient) where TVec : struct, IVec<TVec, T>
    {
        TVec h = Hinge(x, y, w);
        TVec zero = TVec.CreateConstant(0.0);
        TVec positive = TVec.GreaterThan(h, zero);
        TVec g = w * scale;
        // 0 where h ≤ 0, NaN where h is NaN.
        TVec none = h * zero;
        gradient = TVec.Select(positive, -g, none);
        secondGradient = TVec.Select(positive, g, none);
        return Positive(h);
    }
}
