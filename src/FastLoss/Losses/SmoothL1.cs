using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Smooth L1 loss, as PyTorch's <c>smooth_l1_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="beta">The threshold β; zero makes it the L1 loss; must not be negative.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element, with <c>d = p − t</c>: <c>½d²/β</c> where <c>|d| &lt; β</c>, else <c>|d| − ½β</c>; derivative <c>clamp(d/β, −1, 1)</c>. <c>β = 0</c> is exactly <see cref="MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="predictions"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SmoothL1<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T beta, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(SmoothL1Form(predictions, targets, default, beta, reduction, Form.Value));

    /// <summary>Smooth L1 loss, as PyTorch's <c>smooth_l1_loss</c>. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/> (in place).</param>
    /// <param name="beta">The threshold β; zero makes it the L1 loss; must not be negative.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element, with <c>d = p − t</c>: <c>½d²/β</c> where <c>|d| &lt; β</c>, else <c>|d| − ½β</c>; derivative <c>clamp(d/β, −1, 1)</c>. <c>β = 0</c> is exactly <see cref="MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SmoothL1<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, T beta, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(SmoothL1Form(predictions, targets, gradient, beta, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="beta">The threshold β; zero makes it the L1 loss; must not be negative.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is out of range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void SmoothL1PerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination, T beta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => SmoothL1Form(predictions, targets, destination, beta, Reduction.Sum, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double SmoothL1Form<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, T beta, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        Guard.NonNegative(beta);
        normalization.Check();
        // β = 0 is the absolute error (its operator: no division by β).
        return beta == T.Zero
            ? Pointwise.Run(predictions, targets, default, output, new AbsoluteErrorOperator<T>(), normalization, form)
            : Pointwise.Run(predictions, targets, default, output, new SmoothL1Operator<T>(beta), normalization, form);
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="beta">β, the width of the quadratic zone; not negative (0 is the absolute error).</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SmoothL1<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T beta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.SmoothL1Form(predictions, targets, default, beta, Reduction.Sum, Form.Value), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions</c> of the batch's loss, for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="beta">β, the width of the quadratic zone; not negative (0 is the absolute error).</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SmoothL1<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient, T beta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.SmoothL1Form(predictions, targets, gradient, beta, Normalization.Shard(batchWeight), Form.Fused), predictions.Length);
}

public static partial class ObjectiveTerm
{
    /// <summary><paramref name="weight"/> · <see cref="Loss.SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>; <paramref name="beta"/> ≥ 0 (0 is the absolute error).</summary>
    public static ObjectiveTerm<T> SmoothL1<T>(T weight, T beta) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.NonNegative(beta);
        string name = $"SmoothL1(beta={beta})";
        return beta == T.Zero
            ? new OperatorTerm<T, AbsoluteErrorOperator<T>>(name, weight, new())
            : new OperatorTerm<T, SmoothL1Operator<T>>(name, weight, new(beta));
    }
}

/// <summary>Smooth L1 (β &gt; 0): ½d²/β where |d| &lt; β, else |d| − ½β; gradient clamp(d/β, −1, 1). As PyTorch's smooth_l1_loss.</summary>
internal readonly struct SmoothL1Operator<T>(T beta) : IPointwiseLoss<T>, ILargeCheapLoss where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T> => Term(x - y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVec Term<TVec>(TVec d) where TVec : struct, IVec<TVec, T>
    {
        TVec a = Lane.Abs<TVec, T>(d);
        TVec b = TVec.Create(beta);
        TVec half = Lane.Of<TVec, T>(0.5);
        return TVec.Select(TVec.LessThan(a, b), half * a * a / b, a - half * b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec d = x - y;
        TVec b = TVec.Create(beta);
        gradient = TVec.Select(TVec.GreaterThanOrEqual(d, b), scale, TVec.Select(TVec.LessThanOrEqual(d, -b), -scale, scale * d / b));
        return Term(d);
    }
}
