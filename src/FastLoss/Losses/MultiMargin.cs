using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Multi-class hinge loss of scores against integer labels, as PyTorch's <c>multi_margin_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">Row-major <c>[rows × classes]</c> scores.</param>
    /// <param name="labels">One class index per row, in <c>[0, classes)</c>.</param>
    /// <param name="classes">The number of classes (columns); positive.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="p">The power of the hinge: 1 (default) or 2.</param>
    /// <param name="margin">The margin (default 1); finite.</param>
    /// <param name="classWeights">Optional weight per class (empty for none), applied by the row's label; none negative.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per row with label y: <c>w_y·Σ_{j≠y} max(0, margin − x_y + x_j)^p / classes</c>; <c>Mean</c> divides by the rows (as PyTorch,
    /// also with class weights). The sums are taken in double in an order fixed by the library: bit-identical on every CPU.
    /// </remarks>
    /// <exception cref="ArgumentException">A length does not fit (labels per row, class weights per class).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside <c>[0, classes)</c>; <paramref name="classes"/> is not positive; <paramref name="p"/> is neither 1 nor 2; <paramref name="margin"/> is not finite; a class weight is negative; <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MultiMargin<T>(ReadOnlySpan<T> scores, ReadOnlySpan<int> labels, int classes, Reduction reduction = Reduction.Mean,
        int p = 1, double margin = 1, ReadOnlySpan<T> classWeights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MultiMarginForm(scores, labels, classes, default, reduction, p, margin, classWeights, Form.Value));

    /// <summary>Multi-class hinge loss, and its gradient in the same pass over each row.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">Row-major <c>[rows × classes]</c> scores.</param>
    /// <param name="labels">One class index per row.</param>
    /// <param name="classes">The number of classes; positive.</param>
    /// <param name="gradient">Receives <c>∂loss/∂scores</c>; as long as <paramref name="scores"/>, separate from the inputs or <paramref name="scores"/> itself.</param>
    /// <param name="reduction">Mean over the rows (default) or sum.</param>
    /// <param name="p">1 (default) or 2.</param>
    /// <param name="margin">The margin (default 1).</param>
    /// <param name="classWeights">Optional weight per class.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="gradient"/> overlaps an input other than <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MultiMargin<T>(ReadOnlySpan<T> scores, ReadOnlySpan<int> labels, int classes, Span<T> gradient, Reduction reduction = Reduction.Mean,
        int p = 1, double margin = 1, ReadOnlySpan<T> classWeights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MultiMarginForm(scores, labels, classes, gradient, reduction, p, margin, classWeights, Form.Fused));

    /// <summary>The per-row form of <see cref="MultiMargin{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Reduction, int, double, ReadOnlySpan{T})"/>: each row's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">Row-major scores.</param>
    /// <param name="labels">One class index per row.</param>
    /// <param name="classes">The number of classes; positive.</param>
    /// <param name="destination">Receives one loss per row; separate from the inputs.</param>
    /// <param name="p">1 (default) or 2.</param>
    /// <param name="margin">The margin (default 1).</param>
    /// <param name="classWeights">Optional weight per class.</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void MultiMarginPerRow<T>(ReadOnlySpan<T> scores, ReadOnlySpan<int> labels, int classes, Span<T> destination,
        int p = 1, double margin = 1, ReadOnlySpan<T> classWeights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MultiMarginForm(scores, labels, classes, destination, Reduction.Sum, p, margin, classWeights, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double MultiMarginForm<T>(ReadOnlySpan<T> scores, ReadOnlySpan<int> labels, int classes, Span<T> output, Normalization normalization,
        int p, double margin, ReadOnlySpan<T> classWeights, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        int rows = Guard.Rows(scores, classes);
        MultiClass.LabelCount(labels, rows);
        if (form == Form.PerElement)
        {
            MultiClass.PerRowDestination(output, rows, scores, classWeights);
            MultiClass.SeparateFromLabels(output, labels, "destination");
        }
        else if (form == Form.Fused)
        {
            Guard.Output(output, scores, classWeights, default, "gradient", nameof(scores));
            MultiClass.SeparateFromLabels(output, labels, "gradient");
        }
        normalization.Check();
        if (p is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "p must be 1 or 2.");
        }
        Guard.Finite(margin);
        Guard.Weights(classWeights, classes);
        MultiClass.LabelWeightTotal(labels, classes, classWeights, ignoreIndex: int.MinValue);
        T m = T.CreateTruncating(margin);
        // The label's gradient needs the second sum; the value and per-row forms take the first only.
        return (p, form == Form.Fused) switch
        {
            (1, false) => MultiMarginRows<T, No, No>(scores, labels, classes, output, normalization, m, classWeights, form),
            (1, true) => MultiMarginRows<T, No, Yes>(scores, labels, classes, output, normalization, m, classWeights, form),
            (_, false) => MultiMarginRows<T, Yes, No>(scores, labels, classes, output, normalization, m, classWeights, form),
            _ => MultiMarginRows<T, Yes, Yes>(scores, labels, classes, output, normalization, m, classWeights, form),
        };
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double MultiMarginRows<T, TSquared, TGradient>(ReadOnlySpan<T> scores, ReadOnlySpan<int> labels, int classes, Span<T> output, Normalization normalization,
        T margin, ReadOnlySpan<T> classWeights, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSquared : struct, IFlag
        where TGradient : struct, IFlag
    {
        int rows = labels.Length;
        if (rows == 0)
        {
            return 0 / normalization.ValueDivisor(0);
        }
        double gradientScale = 1 / normalization.GradientDivisor(rows);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int start = r * classes;
            int label = MultiClass.UseClass(labels[r], classes, r);
            ref T row = ref MemoryMarshal.GetReference(scores.Slice(start));
            // Read once: in place, the label's score is overwritten by the gradient pass.
            T labelScore = Unsafe.Add(ref row, label);
            double weight = classWeights.IsEmpty ? 1 : double.CreateTruncating(classWeights[label]);
            // margin − x_y once a row, as every lane subtracted it (the same rounding): h_j = (margin − x_y) + x_j.
            T shift = margin - labelScore;
            RowDriver.Sums(new MultiMarginTerms<T, TSquared, TGradient>(shift, label), ref row, ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), classes, out RowSums sums, scores.Length - start);
            double loss = weight * sums.First / classes;
            total += loss;
            if (form == Form.PerElement)
            {
                output[r] = T.CreateTruncating(loss);
            }
            else if (TGradient.Value)
            {
                double factor = gradientScale * weight / classes;
                ref T gradient = ref MemoryMarshal.GetReference(output.Slice(start));
                RowDriver.Map(new MultiMarginMap<T, TSquared>(shift, label, T.CreateTruncating(factor)), ref row, ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(),
                    ref gradient, ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), classes);
                Unsafe.Add(ref gradient, label) = T.CreateTruncating(-factor * sums.Second);
            }
        }
        return total / normalization.ValueDivisor(rows);
    }
}

/// <summary>The hinge h_j = (margin − x_y) + x_j of a row (<c>shift</c> = margin − x_y), 0 at the label's own column (which never counts), NaN kept.</summary>
internal static class MultiMarginHinge
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Of<TVec, T>(TVec x, nuint i, T shift, int label) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TVec zero = TVec.CreateConstant(0.0);
        TVec h = TVec.Create(shift) + x;
        // 0 > h ? 0 : h: max(0, h) in one instruction that keeps a NaN h.
        h = TVec.MaxSelect(zero, h);
        nuint offset = (nuint)label - i;
        return offset < (nuint)TVec.Count ? TVec.Select(TVec.LaneMask((int)offset, (int)offset + 1), zero, h) : h;
    }
}

/// <summary>
/// Σ_j max(0, h_j)^p of the scores x₀ and, for the gradient (<typeparamref name="TGradient"/>), its derivative
/// Σ_j p·max(0, h_j)^(p−1) (the label's gradient). The sums are independent: the first has the same bits either way.
/// </summary>
internal readonly struct MultiMarginTerms<T, TSquared, TGradient>(T shift, int label) : IRowTerms<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSquared : struct, IFlag
    where TGradient : struct, IFlag
{
    public static int Inputs => 1;

    public static int Count
    {
        // Inlined by force, so that the driver's tests of it fold (see TripletTerms.Count).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TGradient.Value ? 2 : 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Term<TVec>(int sum, TVec x0, TVec x1, TVec x2, nuint i) where TVec : struct, IVec<TVec, T>
    {
        TVec h = MultiMarginHinge.Of(x0, i, shift, label);
        if (TSquared.Value)
        {
            return sum == 0 ? h * h : h + h;
        }
        TVec zero = TVec.CreateConstant(0.0);
        return sum == 0 ? h : TVec.Select(TVec.GreaterThan(h, zero), TVec.CreateConstant(1.0), h * zero);
    }
}

/// <summary>The gradient of a row but the label's column: factor·p·max(0, h_j)^(p−1) (0 at the label, written after).</summary>
internal readonly struct MultiMarginMap<T, TSquared>(T shift, int label, T factor) : IRowMap<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSquared : struct, IFlag
{
    public static int Inputs => 1;

    public static int Outputs => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Map<TVec>(TVec x0, TVec x1, TVec x2, nuint i, out TVec y0, out TVec y1, out TVec y2) where TVec : struct, IVec<TVec, T>
    {
        TVec h = MultiMarginHinge.Of(x0, i, shift, label);
        TVec zero = TVec.CreateConstant(0.0);
        TVec derivative = TSquared.Value ? h + h : TVec.Select(TVec.GreaterThan(h, zero), TVec.CreateConstant(1.0), h * zero);
        y0 = derivative * TVec.Create(factor);
        y1 = default;
        y2 = default;
    }
}
