using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Huber loss, as PyTorch's <c>huber_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="delta">The threshold δ between the quadratic and the linear part; must be positive.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element, with <c>d = p − t</c>: <c>½d²</c> where <c>|d| &lt; δ</c>, else <c>δ(|d| − ½δ)</c>; derivative <c>clamp(d, −δ, δ)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="predictions"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Huber<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T delta, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HuberForm(predictions, targets, default, delta, reduction, Form.Value));

    /// <summary>Huber loss, as PyTorch's <c>huber_loss</c>. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/> (in place).</param>
    /// <param name="delta">The threshold δ between the quadratic and the linear part; must be positive.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element, with <c>d = p − t</c>: <c>½d²</c> where <c>|d| &lt; δ</c>, else <c>δ(|d| − ½δ)</c>; derivative <c>clamp(d, −δ, δ)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Huber<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, T delta, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HuberForm(predictions, targets, gradient, delta, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="delta">The threshold δ between the quadratic and the linear part; must be positive.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is out of range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void HuberPerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination, T delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => HuberForm(predictions, targets, destination, delta, Reduction.Sum, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double HuberForm<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, T delta, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        Guard.Positive(delta);
        normalization.Check();
        return Pointwise.Run(predictions, targets, default, output, new HuberOperator<T>(delta), normalization, form);
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="delta">δ, where the loss turns from quadratic to linear; positive.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial Huber<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HuberForm(predictions, targets, default, delta, Reduction.Sum, Form.Value), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions</c> of the batch's loss, for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="delta">δ, where the loss turns from quadratic to linear; positive.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial Huber<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient, T delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HuberForm(predictions, targets, gradient, delta, Normalization.Shard(batchWeight), Form.Fused), predictions.Length);
}

public static partial class ObjectiveTerm
{
    /// <summary><paramref name="weight"/> · <see cref="Loss.Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/>; <paramref name="delta"/> &gt; 0.</summary>
    public static ObjectiveTerm<T> Huber<T>(T weight, T delta) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Positive(delta);
        return new OperatorTerm<T, HuberOperator<T>>($"Huber(delta={delta})", weight, new(delta));
    }
}

/// <summary>Huber: ½d² where |d| &lt; δ, else δ(|d| − ½δ); gradient clamp(d, −δ, δ). As PyTorch's huber_loss.</summary>
internal readonly struct HuberOperator<T>(T delta) : IPointwiseLoss<T>, ILargeCheapLoss where T : unmanaged, IBinaryFloatingPointIeee754<T>
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
        TVec dv = TVec.Create(delta);
        TVec half = Lane.Of<TVec, T>(0.5);
        return TVec.Select(TVec.LessThan(a, dv), half * a * a, dv * (a - half * dv));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec d = x - y;
        TVec dv = TVec.Create(delta);
        TVec clamped = TVec.Select(TVec.GreaterThanOrEqual(d, dv), dv, TVec.Select(TVec.LessThanOrEqual(d, -dv), -dv, d));
        gradient = clamped * scale;
        return Term(d);
    }
}
