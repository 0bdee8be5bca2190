using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Gaussian negative log-likelihood of predicted means and variances, as PyTorch's <c>gaussian_nll_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="input">The predicted means <c>μ</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="input"/>.</param>
    /// <param name="variance">The predicted variances <c>v</c>, as many as <paramref name="input"/>; none negative.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="full">Add the constant <c>½·log(2π)</c> to each element (default false).</param>
    /// <param name="eps">The variance is clamped at <c>eps</c> from below (default 1e-6); positive and finite.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element, with <c>v' = max(v, eps)</c>: <c>½(log v' + (μ − t)²/v')</c>; derivatives <c>(μ − t)/v'</c> for the mean and
    /// <c>½(1/v' − (μ − t)²/v'²)</c> for the variance, taken at <c>v'</c> also where the variance was clamped (as PyTorch, which
    /// clamps without recording the clamp). <c>Mean</c> divides by the number of elements; empty input gives 0 for <c>Sum</c>
    /// and NaN for <c>Mean</c>. Bit-identical on every CPU.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A variance is negative, <paramref name="eps"/> is not positive and finite, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T GaussianNegativeLogLikelihood<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, ReadOnlySpan<T> variance, Reduction reduction = Reduction.Mean,
        bool full = false, double eps = 1e-6)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(GaussianNegativeLogLikelihoodForm(input, targets, variance, default, default, reduction, full, eps, Form.Value));

    /// <summary>Gaussian negative log-likelihood, and the gradients of the means and of the variances in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="input">The predicted means <c>μ</c>.</param>
    /// <param name="targets">The targets <c>t</c>.</param>
    /// <param name="variance">The predicted variances; none negative.</param>
    /// <param name="gradient">Receives <c>∂loss/∂input[i]</c> (including the <c>1/n</c> of <c>Mean</c>), or empty for none; separate from the inputs or <paramref name="input"/> itself.</param>
    /// <param name="varianceGradient">Receives <c>∂loss/∂variance[i]</c>, or empty for none; separate from the inputs or <paramref name="variance"/> itself.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="full">Add the constant <c>½·log(2π)</c> to each element.</param>
    /// <param name="eps">The clamp of the variance; positive and finite.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <exception cref="ArgumentException">A length differs, or a gradient overlaps memory other than its own input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T GaussianNegativeLogLikelihood<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, ReadOnlySpan<T> variance, Span<T> gradient, Span<T> varianceGradient,
        Reduction reduction = Reduction.Mean, bool full = false, double eps = 1e-6)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(GaussianNegativeLogLikelihoodForm(input, targets, variance, gradient, varianceGradient, reduction, full, eps, Form.Fused));

    /// <summary>The per-element form of <see cref="GaussianNegativeLogLikelihood{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, bool, double)"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="input">The predicted means.</param>
    /// <param name="targets">The targets.</param>
    /// <param name="variance">The predicted variances; none negative.</param>
    /// <param name="destination">Receives the loss of each element; separate from the inputs or <paramref name="input"/> itself.</param>
    /// <param name="full">Add the constant <c>½·log(2π)</c> to each element.</param>
    /// <param name="eps">The clamp of the variance; positive and finite.</param>
    /// <exception cref="ArgumentException">A length differs, or <paramref name="destination"/> overlaps an input other than <paramref name="input"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A variance is negative, or <paramref name="eps"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void GaussianNegativeLogLikelihoodPerElement<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, ReadOnlySpan<T> variance, Span<T> destination,
        bool full = false, double eps = 1e-6)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => GaussianNegativeLogLikelihoodForm(input, targets, variance, destination, default, Reduction.Sum, full, eps, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double GaussianNegativeLogLikelihoodForm<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, ReadOnlySpan<T> variance, Span<T> output, Span<T> varianceOutput,
        Normalization normalization, bool full, double eps, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(input, targets);
        Guard.SameLength(input, variance);
        Guard.TwoGradientOutputs(form, output, input, varianceOutput, variance, targets, "gradient", nameof(input), "varianceGradient", nameof(variance));
        normalization.Check();
        Guard.Positive(eps);
        Guard.NotNegative(variance);
        T epsT = T.CreateTruncating(eps);
        return full
            ? Pointwise.Run(input, targets, variance, output, varianceOutput, new GaussianOperator<T, Yes>(epsT), normalization, form)
            : Pointwise.Run(input, targets, variance, output, varianceOutput, new GaussianOperator<T, No>(epsT), normalization, form);
    }
}

/// <summary>
/// ½(log v' + (x − t)²/v') [+ ½·log 2π] with v' = max(v, eps), the variance in the weight slot; gradients (x − t)/v'
/// and ½(1 − (x − t)·(x − t)/v')/v'.
/// </summary>
internal readonly struct GaussianOperator<T, TFull>(T eps) : IPointwiseLoss<T>, ITwoGradientLoss
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TFull : struct, IFlag
{
    public static bool UsesWeights
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
        => ValueAndGradients(x, y, w, default, out _, out _, gradients: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
        => ValueAndGradients(x, y, w, scale, out gradient, out _, gradients: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradients<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient, out TVec secondGradient) where TVec : struct, IVec<TVec, T>
        => ValueAndGradients(x, y, w, scale, out gradient, out secondGradient, gradients: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVec ValueAndGradients<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient, out TVec secondGradient, bool gradients) where TVec : struct, IVec<TVec, T>
    {
        TVec half = TVec.CreateConstant(0.5);
        // eps > v ? eps : v, so that a NaN variance stays NaN.
        TVec v = TVec.MaxSelect(TVec.Create(eps), w);
        TVec d = x - y;
        TVec q = d / v;
        TVec loss = half * (VMath.Log<TVec, T>(v) + d * q);
        if (TFull.Value)
        {
            loss += TVec.CreateConstant(0.91893853320467274178); // ½·log 2π
        }
        if (gradients)
        {
            gradient = q * scale;
            secondGradient = half * (TVec.CreateConstant(1.0) - d * q) / v * scale;
        }
        else
        {
            gradient = default;
            secondGradient = default;
        }
        return loss;
    }
}
