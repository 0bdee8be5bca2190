using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Mean absolute error (L1): the reduced <c>|p − t|</c>, as PyTorch's <c>l1_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element <c>|p − t|</c>; derivative <c>sign(p − t)</c>, 0 where <c>p = t</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="predictions"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MeanAbsoluteError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MeanAbsoluteErrorForm(predictions, targets, default, reduction, Form.Value));

    /// <summary>Mean absolute error (L1): the reduced <c>|p − t|</c>, as PyTorch's <c>l1_loss</c>. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/> (in place).</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element <c>|p − t|</c>; derivative <c>sign(p − t)</c>, 0 where <c>p = t</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MeanAbsoluteError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MeanAbsoluteErrorForm(predictions, targets, gradient, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void MeanAbsoluteErrorPerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MeanAbsoluteErrorForm(predictions, targets, destination, Reduction.Sum, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double MeanAbsoluteErrorForm<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        normalization.Check();
        return Pointwise.Run(predictions, targets, default, output, new AbsoluteErrorOperator<T>(), normalization, form);
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial MeanAbsoluteError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.MeanAbsoluteErrorForm(predictions, targets, default, Reduction.Sum, Form.Value), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions</c> of the batch's loss, for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial MeanAbsoluteError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.MeanAbsoluteErrorForm(predictions, targets, gradient, Normalization.Shard(batchWeight), Form.Fused), predictions.Length);
}

public static partial class ObjectiveTerm
{
    /// <summary><paramref name="weight"/> · <see cref="Loss.MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</summary>
    public static ObjectiveTerm<T> MeanAbsoluteError<T>(T weight) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new OperatorTerm<T, AbsoluteErrorOperator<T>>("MeanAbsoluteError", weight, new());
}

/// <summary>|p − t|; gradient sign(p − t), 0 where p = t.</summary>
internal readonly struct AbsoluteErrorOperator<T> : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T> => Lane.Abs<TVec, T>(x - y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec d = x - y;
        gradient = Lane.SignTimes<TVec, T>(d, scale);
        return Lane.Abs<TVec, T>(d);
    }
}
