using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Triplet margin loss of anchor, positive and negative rows, as PyTorch's <c>triplet_margin_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="anchor">Row-major <c>[rows × dimension]</c> anchors.</param>
    /// <param name="positive">The positives, as many as <paramref name="anchor"/>.</param>
    /// <param name="negative">The negatives, as many as <paramref name="anchor"/>.</param>
    /// <param name="dimension">The length of an embedding; positive.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="margin">The margin (default 1); zero or positive, finite.</param>
    /// <param name="p">The norm of the distance: 2 (default) or 1.</param>
    /// <param name="eps">Added to each difference (default 1e-6), as PyTorch's <c>pairwise_distance</c>; zero or positive, finite.</param>
    /// <param name="swap">Use the smaller of d(a, n) and d(p, n) as the negative distance (the distance swap of Balntas et al.).</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per row <c>max(0, d(a, p) − d(a, n) + margin)</c> with <c>d(x, y) = ‖x − y + eps‖_p</c>. The distances' sums are taken in one pass,
    /// in double, in an order fixed by the library (bit-identical on every CPU); the gradient pass writes the three gradients.
    /// A distance of 0 contributes a gradient of 0.
    /// </remarks>
    /// <exception cref="ArgumentException">A length does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not positive, <paramref name="p"/> is neither 1 nor 2, <paramref name="margin"/> or <paramref name="eps"/> is negative or not finite, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T TripletMargin<T>(ReadOnlySpan<T> anchor, ReadOnlySpan<T> positive, ReadOnlySpan<T> negative, int dimension, Reduction reduction = Reduction.Mean,
        double margin = 1, int p = 2, double eps = 1e-6, bool swap = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(TripletMarginForm(anchor, positive, negative, dimension, default, default, default, reduction, margin, p, eps, swap, Form.Value));

    /// <summary>Triplet margin loss, and the gradients of the anchors, positives and negatives in the same pass over each row.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="anchor">Row-major anchors.</param>
    /// <param name="positive">The positives.</param>
    /// <param name="negative">The negatives.</param>
    /// <param name="dimension">The length of an embedding; positive.</param>
    /// <param name="anchorGradient">Receives <c>∂loss/∂anchor</c>, or empty for none; separate from the inputs or <paramref name="anchor"/> itself.</param>
    /// <param name="positiveGradient">Receives <c>∂loss/∂positive</c>, or empty for none; separate from the inputs or <paramref name="positive"/> itself.</param>
    /// <param name="negativeGradient">Receives <c>∂loss/∂negative</c>, or empty for none; separate from the inputs or <paramref name="negative"/> itself.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="margin">The margin (default 1).</param>
    /// <param name="p">2 (default) or 1.</param>
    /// <param name="eps">Added to each difference (default 1e-6).</param>
    /// <param name="swap">The distance swap.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <exception cref="ArgumentException">A length does not fit, or a gradient overlaps memory other than its own input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T TripletMargin<T>(ReadOnlySpan<T> anchor, ReadOnlySpan<T> positive, ReadOnlySpan<T> negative, int dimension,
        Span<T> anchorGradient, Span<T> positiveGradient, Span<T> negativeGradient, Reduction reduction = Reduction.Mean,
        double margin = 1, int p = 2, double eps = 1e-6, bool swap = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(TripletMarginForm(anchor, positive, negative, dimension, anchorGradient, positiveGradient, negativeGradient, reduction, margin, p, eps, swap, Form.Fused));

    /// <summary>The per-row form of <see cref="TripletMargin{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, double, int, double, bool)"/>: each row's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="anchor">Row-major anchors.</param>
    /// <param name="positive">The positives.</param>
    /// <param name="negative">The negatives.</param>
    /// <param name="dimension">The length of an embedding; positive.</param>
    /// <param name="destination">Receives one loss per row; separate from the inputs.</param>
    /// <param name="margin">The margin (default 1).</param>
    /// <param name="p">2 (default) or 1.</param>
    /// <param name="eps">Added to each difference (default 1e-6).</param>
    /// <param name="swap">The distance swap.</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void TripletMarginPerRow<T>(ReadOnlySpan<T> anchor, ReadOnlySpan<T> positive, ReadOnlySpan<T> negative, int dimension, Span<T> destination,
        double margin = 1, int p = 2, double eps = 1e-6, bool swap = false)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TripletMarginForm(anchor, positive, negative, dimension, destination, default, default, Reduction.Sum, margin, p, eps, swap, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double TripletMarginForm<T>(ReadOnlySpan<T> anchor, ReadOnlySpan<T> positive, ReadOnlySpan<T> negative, int dimension,
        Span<T> output1, Span<T> output2, Span<T> output3, Normalization normalization, double margin, int p, double eps, bool swap, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        int rows = Guard.Rows(anchor, dimension);
        Guard.SameLength(anchor, positive);
        Guard.SameLength(anchor, negative);
        if (form == Form.PerElement)
        {
            MultiClass.PerRowDestination(output1, rows, anchor, positive, negative);
        }
        else if (form == Form.Fused)
        {
            Guard.Gradients(output1, anchor, output2, positive, negative, "anchorGradient", nameof(anchor), "positiveGradient", nameof(positive));
            Guard.Gradients(output1, anchor, output3, negative, positive, "anchorGradient", nameof(anchor), "negativeGradient", nameof(negative));
            Guard.Gradients(output2, positive, output3, negative, anchor, "positiveGradient", nameof(positive), "negativeGradient", nameof(negative));
        }
        normalization.Check();
        Guard.NonNegative(margin);
        if (p is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "p must be 1 or 2.");
        }
        Guard.NonNegative(eps);
        return (p, swap) switch
        {
            (2, false) => TripletRows<T, Yes, No>(anchor, positive, negative, dimension, output1, output2, output3, normalization, margin, eps, form),
            (2, true) => TripletRows<T, Yes, Yes>(anchor, positive, negative, dimension, output1, output2, output3, normalization, margin, eps, form),
            (_, false) => TripletRows<T, No, No>(anchor, positive, negative, dimension, output1, output2, output3, normalization, margin, eps, form),
            _ => TripletRows<T, No, Yes>(anchor, positive, negative, dimension, output1, output2, output3, normalization, margin, eps, form),
        };
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double TripletRows<T, TEuclidean, TSwap>(ReadOnlySpan<T> anchor, ReadOnlySpan<T> positive, ReadOnlySpan<T> negative, int dimension,
        Span<T> output1, Span<T> output2, Span<T> output3, Normalization normalization, double margin, double eps, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TEuclidean : struct, IFlag
        where TSwap : struct, IFlag
    {
        int rows = anchor.Length / dimension;
        if (rows == 0)
        {
            return 0 / normalization.ValueDivisor(0);
        }
        T epsT = T.CreateTruncating(eps);
        double gradientScale = 1 / normalization.GradientDivisor(rows);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int start = r * dimension;
            ref T a = ref MemoryMarshal.GetReference(anchor.Slice(start));
            ref T pos = ref MemoryMarshal.GetReference(positive.Slice(start));
            ref T neg = ref MemoryMarshal.GetReference(negative.Slice(start));
            RowDriver.Sums(new TripletTerms<T, TEuclidean, TSwap>(epsT), ref a, ref pos, ref neg, dimension, out RowSums sums, anchor.Length - start);
            double positiveDistance = TEuclidean.Value ? Math.Sqrt(sums.First) : sums.First;
            double anchorNegative = TEuclidean.Value ? Math.Sqrt(sums.Second) : sums.Second;
            double positiveNegative = TSwap.Value ? (TEuclidean.Value ? Math.Sqrt(sums.Third) : sums.Third) : double.PositiveInfinity;
            bool swapped = TSwap.Value && positiveNegative < anchorNegative;
            double negativeDistance = swapped ? positiveNegative : anchorNegative;
            double hinge = positiveDistance - negativeDistance + margin;
            double loss = double.IsNaN(hinge) ? hinge : Math.Max(0, hinge);
            total += loss;
            if (form == Form.PerElement)
            {
                output1[r] = T.CreateTruncating(loss);
            }
            else if (form == Form.Fused)
            {
                // Where the hinge is active, ∂/∂d(a,p) = 1 and ∂/∂d_neg = −1; each distance's derivative is u/d (p = 2) or sign(u) (p = 1).
                double f = double.IsNaN(hinge) ? hinge : hinge > 0 ? gradientScale : 0;
                double kPositive = Coefficient<TEuclidean>(f, positiveDistance);
                double kNegative = Coefficient<TEuclidean>(f, negativeDistance);
                TripletMap<T, TEuclidean> map = new(epsT, T.CreateTruncating(kPositive), T.CreateTruncating(kNegative));
                if (swapped)
                {
                    RowDriver.Map(new SwappedTripletMap<T, TEuclidean>(map), ref a, ref pos, ref neg, ref Row(output1, start), ref Row(output2, start), ref Row(output3, start), dimension);
                }
                else
                {
                    RowDriver.Map(map, ref a, ref pos, ref neg, ref Row(output1, start), ref Row(output2, start), ref Row(output3, start), dimension);
                }
            }
        }
        return total / normalization.ValueDivisor(rows);
    }

    /// <summary>The factor of u in a distance's derivative: f/d for the Euclidean norm (0 where d = 0), f for the L1 norm (times sign(u)).</summary>
    /// <remarks>Inlined by force: left to the JIT, it stayed a call in the row loop, compiled by tiers of its own.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Coefficient<TEuclidean>(double f, double distance) where TEuclidean : struct, IFlag
        => !TEuclidean.Value ? f : distance == 0 ? 0 * f : f / distance;

    /// <summary>A row of an optional output: the null reference when it was not asked for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T Row<T>(Span<T> output, int start)
        => ref output.IsEmpty ? ref Unsafe.NullRef<T>() : ref MemoryMarshal.GetReference(output.Slice(start));
}

/// <summary>The norms' sums of u = a − p + eps, v = a − n + eps and (with the swap) w = p − n + eps: squares or absolute values.</summary>
internal readonly struct TripletTerms<T, TEuclidean, TSwap>(T eps) : IRowTerms<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TEuclidean : struct, IFlag
    where TSwap : struct, IFlag
{
    public static int Inputs => 3;

    public static int Count
    {
        // Inlined by force: a flag's value, so that the driver's tests of it fold (without, the call stayed a call in
        // the row loop and every sum's copy was compiled in).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TSwap.Value ? 3 : 2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Term<TVec>(int sum, TVec a, TVec p, TVec n, nuint i) where TVec : struct, IVec<TVec, T>
    {
        TVec e = TVec.Create(eps);
        return sum switch
        {
            0 => Norm(a - p + e),
            1 => Norm(a - n + e),
            _ => Norm(p - n + e),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Norm<TVec>(TVec u) where TVec : struct, IVec<TVec, T>
        => TEuclidean.Value ? u * u : Lane.Abs<TVec, T>(u);
}

/// <summary>
/// The three gradients from U = kp·D(u) and V = kn·D(v), D the identity (p = 2) or sign (p = 1): anchor U − V,
/// positive −U, negative V (u = a − p + eps, v = a − n + eps: the negative distance is d(a, n)).
/// </summary>
internal readonly struct TripletMap<T, TEuclidean>(T eps, T kp, T kn) : IRowMap<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TEuclidean : struct, IFlag
{
    public static int Inputs => 3;

    public static int Outputs => 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Map<TVec>(TVec a, TVec p, TVec n, nuint i, out TVec y0, out TVec y1, out TVec y2) where TVec : struct, IVec<TVec, T>
    {
        TVec e = TVec.Create(eps);
        TVec u = Scaled(a - p + e, kp), v = Scaled(a - n + e, kn);
        y0 = u - v;
        y1 = -u;
        y2 = v;
    }

    /// <summary>With the swap taken (the negative distance is d(p, n), w = p − n + eps, W = kn·D(w)): anchor U, positive −U − W, negative W.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MapSwapped<TVec>(TVec a, TVec p, TVec n, out TVec y0, out TVec y1, out TVec y2) where TVec : struct, IVec<TVec, T>
    {
        TVec e = TVec.Create(eps);
        TVec u = Scaled(a - p + e, kp), w = Scaled(p - n + e, kn);
        y0 = u;
        y1 = -u - w;
        y2 = w;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Scaled<TVec>(TVec u, T k) where TVec : struct, IVec<TVec, T>
        => TEuclidean.Value ? u * TVec.Create(k) : Lane.SignTimes<TVec, T>(u, TVec.Create(k));
}

/// <summary>The rows where the swap is taken: only the two distances that count are differentiated (never 0·D of the third, which an infinite difference would make NaN).</summary>
internal readonly struct SwappedTripletMap<T, TEuclidean>(TripletMap<T, TEuclidean> map) : IRowMap<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TEuclidean : struct, IFlag
{
    public static int Inputs => 3;

    public static int Outputs => 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Map<TVec>(TVec a, TVec p, TVec n, nuint i, out TVec y0, out TVec y1, out TVec y2) where TVec : struct, IVec<TVec, T>
        => map.MapSwapped(a, p, n, out y0, out y1, out y2);
}
