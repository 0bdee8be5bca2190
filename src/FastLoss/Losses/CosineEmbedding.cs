using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Cosine embedding loss of row pairs, as PyTorch's <c>cosine_embedding_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="input1">Row-major <c>[rows × dimension]</c> first embeddings.</param>
    /// <param name="input2">The second embeddings, as many as <paramref name="input1"/>.</param>
    /// <param name="targets">One target per row: +1 (the pair should be similar) or −1 (dissimilar).</param>
    /// <param name="dimension">The length of an embedding; positive.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="margin">The margin for dissimilar pairs (default 0), in [−1, 1].</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per row <c>cos = Σx₁x₂ / sqrt((Σx₁² + 1e-12)(Σx₂² + 1e-12))</c> (the 1e-12 as in PyTorch); the loss is <c>1 − cos</c> for
    /// +1 and <c>max(0, cos − margin)</c> for −1. The three sums are taken in one pass, in double, in an order fixed by the library
    /// (bit-identical on every CPU); the gradient pass writes both gradients.
    /// </remarks>
    /// <exception cref="ArgumentException">A length does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is neither −1 nor +1, <paramref name="dimension"/> is not positive, <paramref name="margin"/> is outside [−1, 1], or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T CosineEmbedding<T>(ReadOnlySpan<T> input1, ReadOnlySpan<T> input2, ReadOnlySpan<T> targets, int dimension, Reduction reduction = Reduction.Mean, double margin = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(CosineEmbeddingForm(input1, input2, targets, dimension, default, default, reduction, margin, Form.Value));

    /// <summary>Cosine embedding loss, and the gradients of both inputs in the same pass over each row.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="input1">Row-major first embeddings.</param>
    /// <param name="input2">The second embeddings.</param>
    /// <param name="targets">One target per row, ±1.</param>
    /// <param name="dimension">The length of an embedding; positive.</param>
    /// <param name="gradient1">Receives <c>∂loss/∂input1</c>, or empty for none; separate from the inputs or <paramref name="input1"/> itself.</param>
    /// <param name="gradient2">Receives <c>∂loss/∂input2</c>, or empty for none; separate from the inputs or <paramref name="input2"/> itself.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="margin">The margin (default 0), in [−1, 1].</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <exception cref="ArgumentException">A length does not fit, or a gradient overlaps memory other than its own input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T CosineEmbedding<T>(ReadOnlySpan<T> input1, ReadOnlySpan<T> input2, ReadOnlySpan<T> targets, int dimension, Span<T> gradient1, Span<T> gradient2,
        Reduction reduction = Reduction.Mean, double margin = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(CosineEmbeddingForm(input1, input2, targets, dimension, gradient1, gradient2, reduction, margin, Form.Fused));

    /// <summary>The per-row form of <see cref="CosineEmbedding{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, double)"/>: each row's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="input1">Row-major first embeddings.</param>
    /// <param name="input2">The second embeddings.</param>
    /// <param name="targets">One target per row, ±1.</param>
    /// <param name="dimension">The length of an embedding; positive.</param>
    /// <param name="destination">Receives one loss per row; separate from the inputs.</param>
    /// <param name="margin">The margin (default 0), in [−1, 1].</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void CosineEmbeddingPerRow<T>(ReadOnlySpan<T> input1, ReadOnlySpan<T> input2, ReadOnlySpan<T> targets, int dimension, Span<T> destination, double margin = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => CosineEmbeddingForm(input1, input2, targets, dimension, destination, default, Reduction.Sum, margin, Form.PerElement);

    /// <summary>
    /// n/d as High + Low in <typeparamref name="T"/>, given <paramref name="inverse"/> ≈ 1/d: the quotient n·(1/d), and for
    /// double its error from the remainder n − q·d (by a fused multiply-add), so that High + Low is n/d to far below
    /// T's rounding (float: the double quotient's 53 bits split in two).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static SplitNumber<T> Quotient<T>(double n, double d, double inverse) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double q = n * inverse;
        T high = T.CreateTruncating(q);
        double rest = q - double.CreateTruncating(high);
        if (typeof(T) == typeof(double))
        {
            rest = Math.FusedMultiplyAdd(-q, d, n) * inverse;
        }
        return new(high, double.IsFinite(rest) ? T.CreateTruncating(rest) : T.Zero);
    }

    // Not inlined into the caller: the row loop's code would then depend on the caller's method (inlined into a
    // user's lambda it ran out of the JIT's inlining budget, its per-row helpers became calls: ~2x the time per row).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static double CosineEmbeddingForm<T>(ReadOnlySpan<T> input1, ReadOnlySpan<T> input2, ReadOnlySpan<T> targets, int dimension, Span<T> output1, Span<T> output2,
        Normalization normalization, double margin, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        int rows = Guard.Rows(input1, dimension);
        Guard.SameLength(input1, input2);
        if (targets.Length != rows)
        {
            throw new ArgumentException($"targets must have one target per row ({rows}), not {targets.Length}.", nameof(targets));
        }
        if (form == Form.PerElement)
        {
            MultiClass.PerRowDestination(output1, rows, input1, input2, targets);
        }
        else if (form == Form.Fused)
        {
            Guard.Gradients(output1, input1, output2, input2, targets, "gradient1", nameof(input1), "gradient2", nameof(input2));
        }
        normalization.Check();
        Guard.InRange(margin, -1, 1);
        Guard.Signs(targets);
        if (rows == 0)
        {
            return 0 / normalization.ValueDivisor(0);
        }
        double gradientScale = 1 / normalization.GradientDivisor(rows);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int start = r * dimension;
            ref T a = ref MemoryMarshal.GetReference(input1.Slice(start));
            ref T b = ref MemoryMarshal.GetReference(input2.Slice(start));
            RowDriver.Sums(new CosineTerms<T>(), ref a, ref b, ref Unsafe.NullRef<T>(), dimension, out RowSums sums);
            double dot = sums.First + sums.Fourth;
            double squared1 = sums.Second + sums.Fifth + 1e-12, squared2 = sums.Third + sums.Sixth + 1e-12;
            double denominator = Math.Sqrt(squared1 * squared2);
            double cos = dot / denominator;
            bool similar = targets[r] > T.Zero;
            double loss = similar ? 1 - cos : double.IsNaN(cos) ? cos : Math.Max(0, cos - margin);
            total += loss;
            if (form == Form.PerElement)
            {
                output1[r] = T.CreateTruncating(loss);
            }
            else if (form == Form.Fused)
            {
                // ∂loss/∂cos = c; ∂cos/∂x₁ = (x₂ − (D/M₁)·x₁)/√(M₁M₂) and ∂cos/∂x₂ = (x₁ − (D/M₂)·x₂)/√(M₁M₂), D = Σx₁x₂,
                // M = |x|² + 1e-12. The differences cancel where the pair is nearly parallel (where the gradient vanishes):
                // CosineMap takes them with D/M split into two Ts, so that they stay exact to rounding.
                double c = similar ? -1 : double.IsNaN(cos) ? cos : cos > margin ? 1 : 0;
                double i1 = 1 / Math.Sqrt(squared1), i2 = 1 / Math.Sqrt(squared2), f = gradientScale * c;
                RowDriver.Map(new CosineMap<T>(Quotient<T>(-dot, squared1, i1 * i1), T.CreateTruncating(i2), T.CreateTruncating(f * i1),
                        Quotient<T>(-dot, squared2, i2 * i2), T.CreateTruncating(i1), T.CreateTruncating(f * i2)),
                    ref a, ref b, ref Unsafe.NullRef<T>(),
                    ref output1.IsEmpty ? ref Unsafe.NullRef<T>() : ref MemoryMarshal.GetReference(output1.Slice(start)),
                    ref output2.IsEmpty ? ref Unsafe.NullRef<T>() : ref MemoryMarshal.GetReference(output2.Slice(start)),
                    ref Unsafe.NullRef<T>(), dimension);
            }
        }
        return total / normalization.ValueDivisor(rows);
    }
}

/// <summary>
/// Σx₁x₂, Σx₁², Σx₂² of a row pair (x₀, x₁ here), each product exact: for float rows products in double
/// (<see cref="IRowTerms{T}.Products"/>); for double rows the products and, as three more sums, their rounding errors.
/// </summary>
internal readonly struct CosineTerms<T> : IRowTerms<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Inputs => 2;

    public static int Count => typeof(T) == typeof(float) ? 3 : 6;

    public static bool Products => typeof(T) == typeof(float);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (int First, int Second) Factors(int sum) => sum switch { 0 => (0, 1), 1 => (0, 0), _ => (1, 1) };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Term<TVec>(int sum, TVec x, TVec y, TVec x2, nuint i) where TVec : struct, IVec<TVec, T>
        => sum switch
        {
            // Each product, then its rounding error (a fused multiply-add, exact): the sums are those of the exact products.
            0 => x * y,
            1 => x * x,
            2 => y * y,
            3 => TVec.MultiplyAdd(x, y, -(x * y)),
            4 => TVec.MultiplyAdd(x, x, -(x * x)),
            _ => TVec.MultiplyAdd(y, y, -(y * y)),
        };
}

/// <summary>A double as the unevaluated sum of two <typeparamref name="T"/>s (the second 0 for double).</summary>
internal readonly record struct SplitNumber<T>(T High, T Low);

/// <summary>
/// g₁ = (x₂ − (D/M₁)·x₁)·R₁·S₁ and g₂ = (x₁ − (D/M₂)·x₂)·R₂·S₂, with D/M split in two (<see cref="SplitNumber{T}"/>,
/// given negated) and taken by two fused multiply-adds: where the pair is nearly parallel (the difference cancels)
/// it loses nothing but the last roundings. The scale f/√(M₁M₂) is applied as two factors: R = 1/√M of the other
/// input first (the difference is then at most about 1 in magnitude), then S = f/√M of the input's own, so that no
/// factor and no intermediate leaves T's range for any finite float input (the one factor could underflow).
/// </summary>
internal readonly struct CosineMap<T>(SplitNumber<T> quotient1, T r1, T s1, SplitNumber<T> quotient2, T r2, T s2) : IRowMap<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Inputs => 2;

    public static int Outputs => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Map<TVec>(TVec x, TVec y, TVec x2, nuint i, out TVec y0, out TVec y1, out TVec y2) where TVec : struct, IVec<TVec, T>
    {
        y0 = Difference(y, quotient1, x) * TVec.Create(r1) * TVec.Create(s1);
        y1 = Difference(x, quotient2, y) * TVec.Create(r2) * TVec.Create(s2);
        y2 = default;
    }

    /// <summary>v + q·u, q split in two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Difference<TVec>(TVec v, SplitNumber<T> q, TVec u) where TVec : struct, IVec<TVec, T>
        => TVec.MultiplyAdd(TVec.Create(q.Low), u, TVec.MultiplyAdd(TVec.Create(q.High), u, v));
}
