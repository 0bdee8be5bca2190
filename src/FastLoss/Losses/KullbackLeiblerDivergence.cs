using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Kullback–Leibler divergence of log-probabilities from targets, as PyTorch's <c>kl_div</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">Row-major <c>[rows × classes]</c> log-probabilities <c>x</c> of the model.</param>
    /// <param name="targets">The target distribution <c>t</c>, same shape: probabilities, or log-probabilities when <paramref name="logTarget"/> is true.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="reduction"><c>Mean</c> (default) is PyTorch's <c>batchmean</c>: the sum divided by the number of rows. <c>Sum</c> is the sum.</param>
    /// <param name="logTarget">Whether <paramref name="targets"/> holds log-probabilities.</param>
    /// <returns>The reduced divergence.</returns>
    /// <remarks>Per element <c>t·(log t − x)</c>, 0 where <c>t = 0</c> (or <c>e^t·(t − x)</c> for log targets); derivative <c>−t</c> (or <c>−e^t</c>).</remarks>
    /// <exception cref="ArgumentException">The lengths differ or are not a multiple of <paramref name="classes"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T KullbackLeiblerDivergence<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, Reduction reduction = Reduction.Mean, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(KullbackLeiblerDivergenceForm(logProbabilities, targets, classes, default, reduction, logTarget, Form.Value));

    /// <summary>Kullback–Leibler divergence, and its gradient with respect to the log-probabilities, in one pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">Row-major <c>[rows × classes]</c> log-probabilities <c>x</c>.</param>
    /// <param name="targets">The target distribution, same shape.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="gradient">Receives <c>∂loss/∂x</c>: as long as the input, separate from the inputs or the very memory of <paramref name="logProbabilities"/>.</param>
    /// <param name="reduction">As in the value-only overload.</param>
    /// <param name="logTarget">Whether <paramref name="targets"/> holds log-probabilities.</param>
    /// <returns>The reduced divergence, equal to the value-only overload's.</returns>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="gradient"/> overlaps an input other than being <paramref name="logProbabilities"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T KullbackLeiblerDivergence<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, Span<T> gradient, Reduction reduction = Reduction.Mean, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(KullbackLeiblerDivergenceForm(logProbabilities, targets, classes, gradient, reduction, logTarget, Form.Fused));

    /// <summary>The per-element form of <c>KullbackLeiblerDivergence</c> (PyTorch's <c>reduction='none'</c>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">Row-major <c>[rows × classes]</c> log-probabilities <c>x</c>.</param>
    /// <param name="targets">The target distribution, same shape.</param>
    /// <param name="destination">Receives each element's term: as long as the input, separate from the inputs or the very memory of <paramref name="logProbabilities"/>.</param>
    /// <param name="logTarget">Whether <paramref name="targets"/> holds log-probabilities.</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input other than being <paramref name="logProbabilities"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void KullbackLeiblerDivergencePerElement<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, Span<T> destination, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => KullbackLeiblerDivergenceForm(logProbabilities, targets, 1, destination, Reduction.Sum, logTarget, Form.PerElement);

    /// <summary>The forms of KL divergence; <paramref name="classes"/> is 1 for the per-element form (any row length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double KullbackLeiblerDivergenceForm<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, Span<T> output,
        Normalization normalization, bool logTarget, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(logProbabilities, targets);
        Guard.Output(output, form, logProbabilities, targets, default);
        normalization.Check();
        int rows = Guard.Rows(logProbabilities, classes);
        // Mean is PyTorch's batchmean: the sum over the rows' elements divided by the rows. Pointwise.Run divides by
        // the number of elements it is given, so this runs with the rows' normalization directly.
        if (form != Form.PerElement && rows == 0)
        {
            return 0 / normalization.ValueDivisor(0);
        }
        if (form == Form.PerElement)
        {
            return logTarget
                ? Pointwise.Run(logProbabilities, targets, default, output, new KullbackLeiblerOperator<T, Yes>(), normalization, form)
                : Pointwise.Run(logProbabilities, targets, default, output, new KullbackLeiblerOperator<T, No>(), normalization, form);
        }
        T scale = form == Form.Fused ? normalization.GradientScale<T>(rows) : T.One;
        double divisor = normalization.ValueDivisor(rows);
        return (logTarget, form == Form.Fused) switch
        {
            (true, true) => Dispatch.Pointwise<T, KullbackLeiblerOperator<T, Yes>, FusedMode>(logProbabilities, targets, default, output, default, scale, divisor),
            (false, true) => Dispatch.Pointwise<T, KullbackLeiblerOperator<T, No>, FusedMode>(logProbabilities, targets, default, output, default, scale, divisor),
            (true, false) => Dispatch.Pointwise<T, KullbackLeiblerOperator<T, Yes>, ValueMode>(logProbabilities, targets, default, default, default, scale, divisor),
            _ => Dispatch.Pointwise<T, KullbackLeiblerOperator<T, No>, ValueMode>(logProbabilities, targets, default, default, default, scale, divisor),
        };
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard of rows for <see cref="Loss.KullbackLeiblerDivergence{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, bool)"/>: the sum of its elements' terms.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">The shard's rows of log-probabilities, row-major <c>[rows × classes]</c>.</param>
    /// <param name="targets">The shard's target distribution, same shape.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="logTarget">Whether <paramref name="targets"/> holds log-probabilities.</param>
    /// <returns>The shard's partial: the sum of its terms, and its row count as its weight (<c>Mean</c> is PyTorch's <c>batchmean</c>).</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.KullbackLeiblerDivergence{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, bool)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.KullbackLeiblerDivergence{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, bool)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial KullbackLeiblerDivergence<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.KullbackLeiblerDivergenceForm(logProbabilities, targets, classes, default, Reduction.Sum, logTarget, Form.Value), logProbabilities.Length / classes);

    /// <summary>The partial of one shard of rows for the KL divergence, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logProbabilities">The shard's rows of log-probabilities, row-major <c>[rows × classes]</c>.</param>
    /// <param name="targets">The shard's target distribution, same shape.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="batchWeight">The whole batch's weight: its row count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logProbabilities</c> of the batch's loss for this shard's rows: as long as the input, separate from the inputs or the very memory of <paramref name="logProbabilities"/>.</param>
    /// <param name="logTarget">Whether <paramref name="targets"/> holds log-probabilities.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.KullbackLeiblerDivergence{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Span{T}, Reduction, bool)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.KullbackLeiblerDivergence{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Span{T}, Reduction, bool)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial KullbackLeiblerDivergence<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<T> targets, int classes, double batchWeight, Span<T> gradient, bool logTarget = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.KullbackLeiblerDivergenceForm(logProbabilities, targets, classes, gradient, Normalization.Shard(batchWeight), logTarget, Form.Fused), logProbabilities.Length / classes);
}

/// <summary>
/// Kullback–Leibler divergence on log-probabilities x, as PyTorch's kl_div: t(log t − x) with 0 where t = 0
/// (or e^t(t − x) for log targets); gradient −t (or −e^t).
/// </summary>
internal readonly struct KullbackLeiblerOperator<T, TLogTarget> : IPointwiseLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TLogTarget : struct, IFlag
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        if (typeof(TLogTarget) == typeof(Yes))
        {
            return VMath.Exp<TVec, T>(y) * (y - x);
        }
        TVec zero = TVec.CreateConstant(0.0);
        // xlogy(t, t) − t·x, with xlogy(0, ·) = 0.
        TVec xlogy = TVec.Select(TVec.Equal(y, zero), zero, y * VMath.Log<TVec, T>(y));
        return xlogy - y * x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        if (typeof(TLogTarget) == typeof(Yes))
        {
            TVec e = VMath.Exp<TVec, T>(y);
            gradient = -(e * scale);
            return e * (y - x);
        }
        gradient = -(y * scale);
        return Value(x, y, w);
    }
}
