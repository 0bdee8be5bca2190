using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Dice loss per row of probabilities, <c>1 − (2Σpt + s)/(Σp + Σt + s)</c>, reduced over the rows.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Row-major <c>[rows × rowLength]</c> predicted probabilities, each in [0, 1] (a segmentation mask per row, say).</param>
    /// <param name="targets">The target probabilities (0/1 masks or soft), each in [0, 1], as many as <paramref name="probabilities"/>.</param>
    /// <param name="rowLength">The elements of one row; positive.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="smooth">The smoothing <c>s</c> added to numerator and denominator (default 1); zero or positive, finite.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// The derivative of a row is <c>(N − 2t·D)/D²</c> with <c>N = 2Σpt + s</c>, <c>D = Σp + Σt + s</c>. A row with
    /// <c>D = 0</c> (all zero with <c>s = 0</c>) counts as a perfect match: loss 0, gradient 0. The sums are taken in double
    /// in an order fixed by the library: bit-identical on every CPU. Empty input gives 0 for <c>Sum</c>, NaN for <c>Mean</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">The length is not a multiple of <paramref name="rowLength"/>, or the lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A probability or target is outside [0, 1], <paramref name="rowLength"/> is not positive, <paramref name="smooth"/> is negative or not finite, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Dice<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, int rowLength, Reduction reduction = Reduction.Mean, double smooth = 1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(OverlapForm<T, No>(probabilities, targets, rowLength, default, reduction, 0, 0, smooth, Form.Value));

    /// <summary>Dice loss, and its gradient in the same pass over each row.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Row-major <c>[rows × rowLength]</c> predicted probabilities, each in [0, 1].</param>
    /// <param name="targets">The target probabilities, each in [0, 1].</param>
    /// <param name="rowLength">The elements of one row; positive.</param>
    /// <param name="gradient">Receives <c>∂loss/∂probabilities</c>; as long as <paramref name="probabilities"/>, separate from the inputs or <paramref name="probabilities"/> itself.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="smooth">The smoothing (default 1); zero or positive, finite.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="gradient"/> overlaps an input other than <paramref name="probabilities"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Dice<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, int rowLength, Span<T> gradient, Reduction reduction = Reduction.Mean, double smooth = 1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(OverlapForm<T, No>(probabilities, targets, rowLength, gradient, reduction, 0, 0, smooth, Form.Fused));

    /// <summary>The per-row form of <see cref="Dice{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, Reduction, double)"/>: each row's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">Row-major predicted probabilities.</param>
    /// <param name="targets">The target probabilities.</param>
    /// <param name="rowLength">The elements of one row; positive.</param>
    /// <param name="destination">Receives one loss per row; separate from the inputs.</param>
    /// <param name="smooth">The smoothing (default 1); zero or positive, finite.</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void DicePerRow<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, int rowLength, Span<T> destination, double smooth = 1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => OverlapForm<T, No>(probabilities, targets, rowLength, destination, Reduction.Sum, 0, 0, smooth, Form.PerElement);

    /// <summary>Dice (<typeparamref name="TTversky"/> = <see cref="No"/>) or Tversky: the row sums, each row's finish, its gradient pass.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit] // the stored sums (up to 12 KB) are each written before they are read: not zeroed per call
    internal static double OverlapForm<T, TTversky>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, int rowLength, Span<T> output,
        Normalization normalization, double alpha, double beta, double smooth, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TTversky : struct, IFlag
    {
        Guard.Supported<T>();
        int rows = Guard.Rows(probabilities, rowLength);
        Guard.SameLength(probabilities, targets);
        if (form == Form.PerElement)
        {
            MultiClass.PerRowDestination(output, rows, probabilities, targets);
        }
        else
        {
            Guard.Output(output, form, probabilities, targets, default);
        }
        normalization.Check();
        Guard.NonNegative(smooth);
        Guard.NonNegative(alpha);
        Guard.NonNegative(beta);
        // Up to StoredRows rows, each row's sums are taken right after its validation, while it is in cache, and kept
        // for the pass that writes (which starts once every row is valid): the inputs come from memory once, not
        // twice. Past that, the whole inputs are validated first.
        Span<RowSums> stored = rows <= StoredRows ? stackalloc RowSums[rows] : default;
        if (stored.IsEmpty)
        {
            Guard.Probabilities(probabilities);
            Guard.Probabilities(targets);
        }
        else
        {
            ValidatedSums<T, TTversky>(probabilities, targets, rowLength, stored);
        }
        if (rows == 0)
        {
            return 0 / normalization.ValueDivisor(0);
        }
        double gradientScale = 1 / normalization.GradientDivisor(rows);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int start = r * rowLength;
            ref T p = ref MemoryMarshal.GetReference(probabilities.Slice(start)), t = ref MemoryMarshal.GetReference(targets.Slice(start));
            RowSums sums;
            if (stored.IsEmpty)
            {
                RowDriver.Sums(new OverlapTerms<T, TTversky>(), ref p, ref t, ref Unsafe.NullRef<T>(), rowLength, out sums, probabilities.Length - start);
            }
            else
            {
                sums = stored[r];
            }
            // Dice: N = 2Σpt + s, D = Σp + Σt + s. Tversky: N = TP + s, D = TP + α·FP + β·FN + s.
            double numerator = TTversky.Value ? sums.First + smooth : 2 * sums.First + smooth;
            double denominator = TTversky.Value ? sums.First + alpha * sums.Second + beta * sums.Third + smooth : sums.Second + sums.Third + smooth;
            bool empty = denominator == 0;
            double loss = empty ? 0 : 1 - numerator / denominator;
            total += loss;
            if (form == Form.PerElement)
            {
                output[r] = T.CreateTruncating(loss);
            }
            else if (form == Form.Fused)
            {
                // ∂/∂p = A + B·t.
                double squared = denominator * denominator;
                double a = empty ? 0 : TTversky.Value ? gradientScale * numerator * alpha / squared : gradientScale * numerator / squared;
                double b = empty ? 0 : TTversky.Value ? -gradientScale * (denominator - numerator * (1 - alpha - beta)) / squared : -2 * gradientScale / denominator;
                RowDriver.Map(new AffineMap<T>(T.CreateTruncating(b), T.CreateTruncating(a)), ref t, ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(),
                    ref MemoryMarshal.GetReference(output.Slice(start)), ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), rowLength);
            }
        }
        return total / normalization.ValueDivisor(rows);
    }

    /// <summary>The most rows whose sums <see cref="OverlapForm"/> keeps on the stack (48 bytes each).</summary>
    private const int StoredRows = 256;

    /// <summary>
    /// Validates both inputs row by row and takes each row's sums into <paramref name="sums"/>; throws as
    /// <see cref="Guard.Probabilities"/> on the probabilities, then on the targets, would (the first bad probability
    /// anywhere, else the first bad target).
    /// </summary>
    // Optimized from its first call, as the kernel that calls it: its row loop ran as tier-0 code until promoted.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ValidatedSums<T, TTversky>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, int rowLength, Span<RowSums> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TTversky : struct, IFlag
    {
        int badTarget = -1;
        for (int r = 0; r < sums.Length; r++)
        {
            int start = r * rowLength;
            ReadOnlySpan<T> p = probabilities.Slice(start, rowLength), t = targets.Slice(start, rowLength);
            int bad = Scan.FirstOutside(p, T.Zero, T.One);
            if (bad >= 0)
            {
                Guard.NotProbability(p[bad], start + bad, nameof(probabilities));
            }
            if (badTarget >= 0)
            {
                continue;
            }
            bad = Scan.FirstOutside(t, T.Zero, T.One);
            if (bad >= 0)
            {
                badTarget = start + bad;
                continue;
            }
            // The rows after this one, not validated yet, may be read in place: only their lanes' terms, which are dropped.
            RowDriver.Sums(new OverlapTerms<T, TTversky>(), ref MemoryMarshal.GetReference(p), ref MemoryMarshal.GetReference(t), ref Unsafe.NullRef<T>(), rowLength, out sums[r],
                probabilities.Length - start);
        }
        if (badTarget >= 0)
        {
            Guard.NotProbability(targets[badTarget], badTarget, nameof(targets));
        }
    }
}

/// <summary>Dice's sums Σpt, Σp, Σt, or Tversky's TP = Σpt, FP = Σp(1 − t), FN = Σ(1 − p)t, of the probabilities x₀ and targets x₁.</summary>
internal readonly struct OverlapTerms<T, TTversky> : IRowTerms<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TTversky : struct, IFlag
{
    public static int Inputs => 2;

    public static int Count => 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Term<TVec>(int sum, TVec p, TVec t, TVec x2, nuint i) where TVec : struct, IVec<TVec, T>
    {
        TVec one = TVec.CreateConstant(1.0);
        return sum switch
        {
            0 => p * t,
            1 => TTversky.Value ? p * (one - t) : p,
            _ => TTversky.Value ? (one - p) * t : t,
        };
    }
}

/// <summary>y₀ = b·x₀ + a, element-wise (a gradient that is affine in one input).</summary>
internal readonly struct AffineMap<T>(T b, T a) : IRowMap<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Inputs => 1;

    public static int Outputs => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Map<TVec>(TVec x0, TVec x1, TVec x2, nuint i, out TVec y0, out TVec y1, out TVec y2) where TVec : struct, IVec<TVec, T>
    {
        y0 = TVec.Create(b) * x0 + TVec.Create(a);
        y1 = default;
        y2 = default;
    }
}
