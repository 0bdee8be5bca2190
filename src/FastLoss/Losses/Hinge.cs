using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Hinge loss for targets ±1, as scikit-learn's <c>hinge_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>Per element <c>max(0, 1 − t·x)</c>; derivative <c>−t</c> where <c>t·x &lt; 1</c>, else 0. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Hinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HingeForm<T, No>(scores, targets, default, reduction, Form.Value));

    /// <summary>Hinge loss for targets ±1, as scikit-learn's <c>hinge_loss</c>. Also writes the gradient with respect to <paramref name="scores"/>, in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="gradient">Receives <c>∂loss/∂scores[i]</c> (including the <c>1/n</c> of <c>Mean</c>): as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <remarks>Per element <c>max(0, 1 − t·x)</c>; derivative <c>−t</c> where <c>t·x &lt; 1</c>, else 0. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Hinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HingeForm<T, No>(scores, targets, gradient, reduction, Form.Fused));

    /// <summary>The per-element form of Hinge (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="destination">Receives each element's loss: as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void HingePerElement<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => HingeForm<T, No>(scores, targets, destination, Reduction.Sum, Form.PerElement);

    /// <summary>Squared hinge loss for targets ±1, as Keras's <c>squared_hinge</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>Per element <c>max(0, 1 − t·x)²</c>; derivative <c>−2t·max(0, 1 − t·x)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SquaredHinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HingeForm<T, Yes>(scores, targets, default, reduction, Form.Value));

    /// <summary>Squared hinge loss for targets ±1, as Keras's <c>squared_hinge</c>. Also writes the gradient with respect to <paramref name="scores"/>, in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="gradient">Receives <c>∂loss/∂scores[i]</c> (including the <c>1/n</c> of <c>Mean</c>): as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <remarks>Per element <c>max(0, 1 − t·x)²</c>; derivative <c>−2t·max(0, 1 − t·x)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SquaredHinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HingeForm<T, Yes>(scores, targets, gradient, reduction, Form.Fused));

    /// <summary>The per-element form of SquaredHinge (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="destination">Receives each element's loss: as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void SquaredHingePerElement<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => HingeForm<T, Yes>(scores, targets, destination, Reduction.Sum, Form.PerElement);

    /// <summary>The hinge (<typeparamref name="TSquared"/>: No) and the squared hinge (Yes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double HingeForm<T, TSquared>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSquared : struct, IFlag
    {
        Guard.Supported<T>();
        Guard.SameLength(scores, targets);
        Guard.Output(output, form, scores, targets, default);
        normalization.Check();
        Guard.Signs(targets);
        return Pointwise.Run(scores, targets, default, output, new HingeOperator<T, TSquared>(), normalization, form);
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores <c>s</c> of the shard.</param>
    /// <param name="targets">The targets, each −1 or +1, as many as the scores.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial Hinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HingeForm<T, No>(scores, targets, default, Reduction.Sum, Form.Value), scores.Length);

    /// <summary>The partial of one shard for <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores <c>s</c> of the shard.</param>
    /// <param name="targets">The targets, each −1 or +1, as many as the scores.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂scores</c> of the batch's loss, for this shard's elements: as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial Hinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HingeForm<T, No>(scores, targets, gradient, Normalization.Shard(batchWeight), Form.Fused), scores.Length);

    /// <summary>The partial of one shard for <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores <c>s</c> of the shard.</param>
    /// <param name="targets">The targets, each −1 or +1, as many as the scores.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SquaredHinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HingeForm<T, Yes>(scores, targets, default, Reduction.Sum, Form.Value), scores.Length);

    /// <summary>The partial of one shard for <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The scores <c>s</c> of the shard.</param>
    /// <param name="targets">The targets, each −1 or +1, as many as the scores.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂scores</c> of the batch's loss, for this shard's elements: as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SquaredHinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.HingeForm<T, Yes>(scores, targets, gradient, Normalization.Shard(batchWeight), Form.Fused), scores.Length);
}

public static partial class ObjectiveTerm
{
    /// <summary><paramref name="weight"/> · <see cref="Loss.Hinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: targets ±1.</summary>
    public static ObjectiveTerm<T> Hinge<T>(T weight) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new OperatorTerm<T, HingeOperator<T, No>>("Hinge", weight, new(), TargetsAreSigns);

    /// <summary><paramref name="weight"/> · <see cref="Loss.SquaredHinge{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: targets ±1.</summary>
    public static ObjectiveTerm<T> SquaredHinge<T>(T weight) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new OperatorTerm<T, HingeOperator<T, Yes>>("SquaredHinge", weight, new(), TargetsAreSigns);
}

/// <summary>Hinge: max(0, 1 − t·x) for t = ±1; gradient −t where the margin is violated, else 0.</summary>
internal readonly struct HingeOperator<T, TSquared> : IPointwiseLoss<T>, ILargeCheapLoss
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSquared : struct, IFlag
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Margin<TVec>(TVec x, TVec y) where TVec : struct, IVec<TVec, T>
    {
        TVec m = TVec.CreateConstant(1.0) - y * x;
        // max(0, m) that keeps NaN.
        return TVec.Select(TVec.LessThanOrEqual(m, TVec.CreateConstant(0.0)), TVec.CreateConstant(0.0), m);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        TVec m = Margin(x, y);
        return TSquared.Value ? m * m : m;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec m = Margin(x, y);
        TVec zero = TVec.CreateConstant(0.0);
        if (TSquared.Value)
        {
            gradient = -((m + m) * y) * scale;
            return m * m;
        }
        // −t where m > 0, 0 where m = 0, NaN where m is NaN.
        TVec g = TVec.Select(TVec.GreaterThan(m, zero), -y, m * zero);
        gradient = g * scale;
        return m;
    }
}
