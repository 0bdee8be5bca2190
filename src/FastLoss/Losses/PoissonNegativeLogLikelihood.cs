using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Poisson negative log-likelihood of log-rates (or rates), as PyTorch's <c>poisson_nll_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logRates">The predicted log-rates <c>x</c> (with <paramref name="logInput"/> false: the rates <c>λ</c>, none negative).</param>
    /// <param name="targets">The observed counts <c>t</c>, as many as <paramref name="logRates"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="logInput">True (default): the input is the log-rate; false: the rate itself.</param>
    /// <param name="full">Add Stirling's approximation of <c>log(t!)</c>, <c>t·log t − t + ½·log(2πt)</c>, where <c>t &gt; 1</c> (default false); it has no gradient.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element, with log-rate <c>x</c> and count <c>t</c>: <c>e^x − t·x</c>, derivative <c>e^x − t</c>; with <paramref name="logInput"/> false, rate <c>λ</c>: <c>λ − t·log(λ + 1e-8)</c>, derivative <c>1 − t/(λ + 1e-8)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="logRates"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rate is negative (with <paramref name="logInput"/> false), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T PoissonNegativeLogLikelihood<T>(ReadOnlySpan<T> logRates, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean, bool logInput = true, bool full = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(PoissonNegativeLogLikelihoodForm(logRates, targets, default, reduction, logInput, full, Form.Value));

    /// <summary>Poisson negative log-likelihood of log-rates (or rates), as PyTorch's <c>poisson_nll_loss</c>. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logRates">The predicted log-rates <c>x</c> (with <paramref name="logInput"/> false: the rates <c>λ</c>, none negative).</param>
    /// <param name="targets">The observed counts <c>t</c>, as many as <paramref name="logRates"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logRates[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="logRates"/>, and either separate from the inputs or the very memory of <paramref name="logRates"/> (in place).</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="logInput">True (default): the input is the log-rate; false: the rate itself.</param>
    /// <param name="full">Add Stirling's approximation of <c>log(t!)</c>, <c>t·log t − t + ½·log(2πt)</c>, where <c>t &gt; 1</c> (default false); it has no gradient.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element, with log-rate <c>x</c> and count <c>t</c>: <c>e^x − t·x</c>, derivative <c>e^x − t</c>; with <paramref name="logInput"/> false, rate <c>λ</c>: <c>λ − t·log(λ + 1e-8)</c>, derivative <c>1 − t/(λ + 1e-8)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="logRates"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rate is negative (with <paramref name="logInput"/> false), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T PoissonNegativeLogLikelihood<T>(ReadOnlySpan<T> logRates, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean, bool logInput = true, bool full = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(PoissonNegativeLogLikelihoodForm(logRates, targets, gradient, reduction, logInput, full, Form.Fused));

    /// <summary>The per-element form of <see cref="PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logRates">The predicted log-rates <c>x</c> (with <paramref name="logInput"/> false: the rates <c>λ</c>, none negative).</param>
    /// <param name="targets">The observed counts <c>t</c>, as many as <paramref name="logRates"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="logRates"/>, and either separate from the inputs or the very memory of <paramref name="logRates"/>.</param>
    /// <param name="logInput">True (default): the input is the log-rate; false: the rate itself.</param>
    /// <param name="full">Add Stirling's approximation of <c>log(t!)</c>, <c>t·log t − t + ½·log(2πt)</c>, where <c>t &gt; 1</c> (default false); it has no gradient.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="logRates"/> itself.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void PoissonNegativeLogLikelihoodPerElement<T>(ReadOnlySpan<T> logRates, ReadOnlySpan<T> targets, Span<T> destination, bool logInput = true, bool full = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => PoissonNegativeLogLikelihoodForm(logRates, targets, destination, Reduction.Sum, logInput, full, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double PoissonNegativeLogLikelihoodForm<T>(ReadOnlySpan<T> logRates, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => PoissonNegativeLogLikelihoodForm(logRates, targets, output, normalization, logInput: true, full: false, form);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double PoissonNegativeLogLikelihoodForm<T>(ReadOnlySpan<T> logRates, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization,
        bool logInput, bool full, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(logRates, targets);
        Guard.Output(output, form, logRates, targets, default);
        normalization.Check();
        if (!logInput)
        {
            Guard.NotNegative(logRates, "rates");
        }
        return (logInput, full) switch
        {
            (true, false) => Pointwise.Run(logRates, targets, default, output, new PoissonOperator<T>(), normalization, form),
            (true, true) => Pointwise.Run(logRates, targets, default, output, new StirlingOperator<T, PoissonOperator<T>>(), normalization, form),
            (false, false) => Pointwise.Run(logRates, targets, default, output, new PoissonRateOperator<T>(), normalization, form),
            (false, true) => Pointwise.Run(logRates, targets, default, output, new StirlingOperator<T, PoissonRateOperator<T>>(), normalization, form),
        };
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logRates">The log-rates <c>x</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial PoissonNegativeLogLikelihood<T>(ReadOnlySpan<T> logRates, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.PoissonNegativeLogLikelihoodForm(logRates, targets, default, Reduction.Sum, Form.Value), logRates.Length);

    /// <summary>The partial of one shard for <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logRates">The log-rates <c>x</c> of the shard.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the inputs.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logRates</c> of the batch's loss, for this shard's elements: as long as <paramref name="logRates"/>, separate from the inputs or the very memory of <paramref name="logRates"/>.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial PoissonNegativeLogLikelihood<T>(ReadOnlySpan<T> logRates, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.PoissonNegativeLogLikelihoodForm(logRates, targets, gradient, Normalization.Shard(batchWeight), Form.Fused), logRates.Length);
}

public static partial class ObjectiveTerm
{
    /// <summary><paramref name="weight"/> · <see cref="Loss.PoissonNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, bool)"/> (the input is the log-rate).</summary>
    public static ObjectiveTerm<T> PoissonNegativeLogLikelihood<T>(T weight) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new OperatorTerm<T, PoissonOperator<T>>("PoissonNegativeLogLikelihood", weight, new());
}

/// <summary>λ − t·log(λ + 1e-8) for a rate λ (PyTorch's log_input=False); gradient 1 − t/(λ + 1e-8).</summary>
internal readonly struct PoissonRateOperator<T> : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
        => x - y * VMath.Log<TVec, T>(x + TVec.CreateConstant(1e-8));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec shifted = x + TVec.CreateConstant(1e-8);
        gradient = (TVec.CreateConstant(1.0) - y / shifted) * scale;
        return x - y * VMath.Log<TVec, T>(shifted);
    }
}

/// <summary>
/// A Poisson loss plus Stirling's approximation of log(t!) where t &gt; 1 (PyTorch's full=True): t·log t − t + ½·log(2πt),
/// a function of the target alone, so the gradient is the inner loss's.
/// </summary>
internal readonly struct StirlingOperator<T, TInner> : IPointwiseLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TInner : struct, IPointwiseLoss<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Stirling<TVec>(TVec t) where TVec : struct, IVec<TVec, T>
    {
        TVec logT = VMath.Log<TVec, T>(t);
        TVec term = t * logT - t + TVec.CreateConstant(0.5) * (logT + TVec.CreateConstant(1.8378770664093454836)); // log 2π
        return TVec.Select(TVec.GreaterThan(t, TVec.CreateConstant(1.0)), term, TVec.CreateConstant(0.0));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
        => default(TInner).Value(x, y, w) + Stirling(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
        => default(TInner).ValueAndGradient(x, y, w, scale, out gradient) + Stirling(y);
}

/// <summary>Poisson negative log-likelihood on log-rates: e^x − t·x; gradient e^x − t.</summary>
internal readonly struct PoissonOperator<T> : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T> => VMath.Exp<TVec, T>(x) - y * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec e = VMath.Exp<TVec, T>(x);
        gradient = (e - y) * scale;
        return e - y * x;
    }
}
