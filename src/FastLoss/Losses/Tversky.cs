using System;
using System.Numerics;
using FastLoss.Kernels;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Tversky loss per row of probabilities, <c>1 − (TP + s)/(TP + α·FP + β·FN + s)</c>, reduced over the rows.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Row-major <c>[rows × rowLength]</c> predicted probabilities, each in [0, 1].</param>
    /// <param name="targets">The target probabilities, each in [0, 1], as many as <paramref name="probabilities"/>.</param>
    /// <param name="rowLength">The elements of one row; positive.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="alpha">The weight α of false positives (default 0.5); zero or positive.</param>
    /// <param name="beta">The weight β of false negatives (default 0.5); zero or positive.</param>
    /// <param name="smooth">The smoothing <c>s</c> (default 1); zero or positive, finite.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// <c>TP = Σpt</c>, <c>FP = Σp(1 − t)</c>, <c>FN = Σ(1 − p)t</c> per row, in double in an order fixed by the library
    /// (bit-identical on every CPU). The derivative of a row is <c>(Nα − t·(D − N(1 − α − β)))/D²</c> with <c>N = TP + s</c> and
    /// <c>D</c> the denominator; a row with <c>D = 0</c> counts as a perfect match (loss 0, gradient 0).
    /// </remarks>
    /// <exception cref="ArgumentException">The length is not a multiple of <paramref name="rowLength"/>, or the lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A probability or target is outside [0, 1], <paramref name="rowLength"/> is not positive, <paramref name="alpha"/>, <paramref name="beta"/> or <paramref name="smooth"/> is negative or not finite, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Tversky<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, int rowLength, Reduction reduction = Reduction.Mean,
        double alpha = 0.5, double beta = 0.5, double smooth = 1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(OverlapForm<T, Yes>(probabilities, targets, rowLength, default, reduction, alpha, beta, smooth, Form.Value));

    /// <summary>Tversky loss, and its gradient in the same pass over each row.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Row-major predicted probabilities, each in [0, 1].</param>
    /// <param name="targets">The target probabilities, each in [0, 1].</param>
    /// <param name="rowLength">The elements of one row; positive.</param>
    /// <param name="gradient">Receives <c>∂loss/∂probabilities</c>; separate from the inputs or <paramref name="probabilities"/> itself.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="alpha">The weight of false positives (default 0.5).</param>
    /// <param name="beta">The weight of false negatives (default 0.5).</param>
    /// <param name="smooth">The smoothing (default 1).</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="gradient"/> overlaps an input other than <paramref name="probabilities"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Tversky<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, int rowLength, Span<T> gradient, Reduction reduction = Reduction.Mean,
        double alpha = 0.5, double beta = 0.5, double smooth = 1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(OverlapForm<T, Yes>(probabilities, targets, rowLength, gradient, reduction, alpha, beta, smooth, Form.Fused));

    /// <summary>The per-row form of <see cref="Tversky{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, double, double, double)"/>: each row's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Row-major predicted probabilities.</param>
    /// <param name="targets">The target probabilities.</param>
    /// <param name="rowLength">The elements of one row; positive.</param>
    /// <param name="destination">Receives one loss per row; separate from the inputs.</param>
    /// <param name="alpha">The weight of false positives (default 0.5).</param>
    /// <param name="beta">The weight of false negatives (default 0.5).</param>
    /// <param name="smooth">The smoothing (default 1).</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void TverskyPerRow<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, int rowLength, Span<T> destination,
        double alpha = 0.5, double beta = 0.5, double smooth = 1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => OverlapForm<T, Yes>(probabilities, targets, rowLength, destination, Reduction.Sum, alpha, beta, smooth, Form.PerElement);
}
