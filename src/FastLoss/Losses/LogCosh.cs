using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Log-cosh loss: the reduced <c>log(cosh(p − t))</c>, computed without overflow for any finite input.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element <c>log(cosh d)</c> with <c>d = p − t</c>, evaluated as <c>log1p((e^|d| − 1)²/(2e^|d|))</c> for <c>|d| &lt; 1</c> (no cancellation for small residuals) and as <c>|d| − log 2 + log1p(e^(−2|d|))</c> beyond (no overflow); derivative <c>tanh(d)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="predictions"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T LogCosh<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(LogCoshForm(predictions, targets, default, reduction, Form.Value));

    /// <summary>Log-cosh loss: the reduced <c>log(cosh(p − t))</c>, computed without overflow for any finite input. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/> (in place).</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element <c>log(cosh d)</c> with <c>d = p − t</c>, evaluated as <c>log1p((e^|d| − 1)²/(2e^|d|))</c> for <c>|d| &lt; 1</c> (no cancellation for small residuals) and as <c>|d| − log 2 + log1p(e^(−2|d|))</c> beyond (no overflow); derivative <c>tanh(d)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T LogCosh<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(LogCoshForm(predictions, targets, gradient, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void LogCoshPerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => LogCoshForm(predictions, targets, destination, Reduction.Sum, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double LogCoshForm<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        normalization.Check();
        return Pointwise.Run(predictions, targets, default, output, new LogCoshOperator<T>(), normalization, form);
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial LogCosh<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.LogCoshForm(predictions, targets, default, Reduction.Sum, Form.Value), predictions.Length);

    /// <summary>The partial of one shard for <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions</c> of the batch's loss, for this shard's elements: as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial LogCosh<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.LogCoshForm(predictions, targets, gradient, Normalization.Shard(batchWeight), Form.Fused), predictions.Length);
}

public static partial class ObjectiveTerm
{
    /// <summary><paramref name="weight"/> · <see cref="Loss.LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>.</summary>
    public static ObjectiveTerm<T> LogCosh<T>(T weight) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new OperatorTerm<T, LogCoshOperator<T>>("LogCosh", weight, new());
}

/// <summary>
/// log(cosh d) without overflow or cancellation: for |d| &lt; 1, log1p((e^|d| − 1)²/(2e^|d|)); otherwise
/// |d| − log 2 + log1p(e^−2|d|). Gradient tanh(d) from the same e^… − 1.
/// </summary>
internal readonly struct LogCoshOperator<T> : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T> => Compute(x - y, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec d = x - y;
        TVec value = Compute(d, out TVec tanhAbs);
        gradient = Lane.CopySign<TVec, T>(tanhAbs, d) * scale;
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Compute<TVec>(TVec d, out TVec tanhAbs) where TVec : struct, IVec<TVec, T>
    {
        TVec one = Lane.Of<TVec, T>(1.0), two = Lane.Of<TVec, T>(2.0);
        TVec a = Lane.Abs<TVec, T>(d);
        TVec small = TVec.LessThan(a, one);
        TVec em1 = VMath.Expm1<TVec, T>(TVec.Select(small, a, -(a + a)));
        // small: em1 = e^a − 1, cosh a − 1 = em1²/(2(1 + em1)), tanh a = em1(2 + em1)/(em1(2 + em1) + 2)
        // large: em1 = e^−2a − 1, log cosh a = a − log 2 + log1p(1 + em1), tanh a = −em1/(2 + em1)
        TVec twoPlus = two + em1;
        TVec logArgument = TVec.Select(small, em1 * em1 / (two + em1 + em1), one + em1);
        TVec u = one + logArgument;
        TVec l = VMath.Log1pUnit<TVec, T>(logArgument, u, one / u);
        TVec e2m1 = em1 * twoPlus;
        tanhAbs = TVec.Select(small, e2m1 / (e2m1 + two), -em1 / twoPlus);
        return TVec.Select(small, l, (a - Lane.Of<TVec, T>(0.69314718055994530942)) + l);
    }
}
