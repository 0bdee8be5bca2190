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

    /// <summary><paramref name="value"/> as High + Low in <typeparamref name="T"/> (High its rounding, Low the rest rounded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static SplitNumber<T> Split<T>(double value) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T high = T.CreateTruncating(value);
        double rest = value - double.CreateTruncating(high);
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
                // ∂loss/∂cos = c; ∂cos/∂x₁ = (x₂·|x₁|² − Σx₁x₂·x₁)/(den·|x₁|²) and ∂cos/∂x₂ = (x₁·|x₂|² − Σx₁x₂·x₂)/(den·|x₂|²).
                // The numerators cancel where the pair is nearly parallel (where the gradient vanishes): CosineMap takes
                // them with the double sums split into two Ts and the products' errors recovered, so that they stay exact to rounding.
                double c = similar ? -1 : double.IsNaN(cos) ? cos : cos > margin ? 1 : 0;
                double f = gradientScale * c / denominator;
                RowDriver.Map(new CosineMap<T>(Split<T>(dot), Split<T>(squared1), Split<T>(squared2), T.CreateTruncating(f / squared1), T.CreateTruncating(f / squared2)),
                    ref a, ref b, ref Unsafe.NullRef<T>(),
                    ref output1.IsEmpty ? ref Unsafe.NullRef<T>() : ref MemoryMarshal.GetReference(output1.Slice(start)),
                    ref output2.IsEmpty ? ref Unsafe.NullRef<T>() : ref MemoryMarshal.GetReference(output2.Slice(start)),
                    ref Unsafe.NullRef<T>(), dimension);
            }
        }
        return total / normalization.ValueDivisor(rows);
    }
}

/// <summary>Σx₁x₂, Σx₁², Σx₂² of a row pair (x₀, x₁ here), and the sums of their products' rounding errors.</summary>
internal readonly struct CosineTerms<T> : IRowTerms<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Inputs => 2;

    public static int Count => 6;

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
/// g₁ = k₁·(x₂·M₁ − D·x₁) and g₂ = k₂·(x₁·M₂ − D·x₂); the numerators are taken as p − q + (the products' rounding
/// errors, by fused multiply-adds) + (the low parts' products), so that their cancellation loses nothing but the last rounding.
/// </summary>
internal readonly struct CosineMap<T>(SplitNumber<T> dot, SplitNumber<T> squared1, SplitNumber<T> squared2, T k1, T k2) : IRowMap<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Inputs => 2;

    public static int Outputs => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Map<TVec>(TVec x, TVec y, TVec x2, nuint i, out TVec y0, out TVec y1, out TVec y2) where TVec : struct, IVec<TVec, T>
    {
        y0 = Numerator(y, squared1, x, dot) * TVec.Create(k1);
        y1 = Numerator(x, squared2, y, dot) * TVec.Create(k2);
        y2 = default;
    }

    /// <summary>u·M − D·v, with M and D doubles split in two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Numerator<TVec>(TVec u, SplitNumber<T> m, TVec v, SplitNumber<T> d) where TVec : struct, IVec<TVec, T>
    {
        TVec mh = TVec.Create(m.High), dh = TVec.Create(d.High);
        TVec p = u * mh, q = dh * v;
        TVec errors = TVec.MultiplyAdd(u, mh, -p) - TVec.MultiplyAdd(dh, v, -q);
        TVec lows = u * TVec.Create(m.Low) - TVec.Create(d.Low) * v;
        return (p - q) + (errors + lows);
    }
}
