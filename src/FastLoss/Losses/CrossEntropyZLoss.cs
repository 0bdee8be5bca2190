using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Softmax cross-entropy of logits against integer labels plus the z-loss <c>z·(log Σ e^x)²</c> of each row (PaLM's auxiliary loss).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> logits.</param>
    /// <param name="labels">One class index per row, in <c>[0, classes)</c>, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes (columns).</param>
    /// <param name="zLoss">The weight <c>z</c> of the squared log-partition; zero (exactly <see cref="CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Reduction, ReadOnlySpan{T}, int, double)"/>) or positive, finite.</param>
    /// <param name="reduction">Mean (default): divided by the summed weight of the rows that count; or sum.</param>
    /// <param name="classWeights">Optional weight per class (empty for none); none negative.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per row that counts: its cross-entropy (as the overload without <paramref name="zLoss"/>) plus <c>w_y·z·lse²</c> with
    /// <c>lse = log Σ_c e^x_c</c>, so that the z-loss is weighted and averaged as the row is. Computed from <c>x − max</c> (any finite
    /// logits); the sums are taken in double in an order fixed by the library: bit-identical on every CPU.
    /// </remarks>
    /// <exception cref="ArgumentException">A length does not fit (labels per row, class weights per class).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside <c>[0, classes)</c> and not <paramref name="ignoreIndex"/>; <paramref name="classes"/> is not positive; a class weight is negative; <paramref name="labelSmoothing"/> is outside [0, 1]; <paramref name="zLoss"/> is negative or not finite; <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, double zLoss, Reduction reduction = Reduction.Mean,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(CrossEntropyZForm(logits, labels, classes, default, reduction, classWeights, ignoreIndex, labelSmoothing, zLoss, Form.Value));

    /// <summary>Softmax cross-entropy with the z-loss, and its gradient: each row read once for its sums and once more to write its gradient.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> logits.</param>
    /// <param name="labels">One class index per row, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits</c> (0 on ignored rows); separate from the inputs or <paramref name="logits"/> itself.</param>
    /// <param name="zLoss">The weight of the squared log-partition; zero or positive.</param>
    /// <param name="reduction">As in the value-only overload.</param>
    /// <param name="classWeights">Optional weight per class.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <remarks>The z-loss adds <c>2z·w_y·lse·softmax</c> to a row's gradient (before the division by the mean's weight).</remarks>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="gradient"/> overlaps an input other than <paramref name="logits"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<T> gradient, double zLoss, Reduction reduction = Reduction.Mean,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(CrossEntropyZForm(logits, labels, classes, gradient, reduction, classWeights, ignoreIndex, labelSmoothing, zLoss, Form.Fused));

    /// <summary>The per-row form of cross-entropy with the z-loss: each row's weighted loss, 0 for ignored rows.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Row-major <c>[rows × classes]</c> logits.</param>
    /// <param name="labels">One class index per row, or <paramref name="ignoreIndex"/>.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="destination">Receives one loss per row; separate from the inputs.</param>
    /// <param name="zLoss">The weight of the squared log-partition; zero or positive.</param>
    /// <param name="classWeights">Optional weight per class.</param>
    /// <param name="ignoreIndex">A label value whose rows count for nothing (default −100).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <exception cref="ArgumentException">A length does not fit, or <paramref name="destination"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in the value-only overload.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void CrossEntropyPerRow<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<T> destination, double zLoss,
        ReadOnlySpan<T> classWeights = default, int ignoreIndex = -100, double labelSmoothing = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => CrossEntropyZForm(logits, labels, classes, destination, Reduction.Sum, classWeights, ignoreIndex, labelSmoothing, zLoss, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double CrossEntropyZForm<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<T> output,
        Normalization normalization, ReadOnlySpan<T> classWeights, int ignoreIndex, double labelSmoothing, double zLoss, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.NonNegative(zLoss);
        if (zLoss == 0 || classes > CrossEntropyKernel.MaxTransposedClasses)
        {
            // Long rows in the cross-entropy kernel itself (its three passes, one exponential an element, the z-loss in
            // the row's finish and the softmax coefficient); narrow rows here, on the row driver.
            return CrossEntropyLabelsForm(logits, labels, classes, output, normalization, classWeights, ignoreIndex, labelSmoothing, form, out _, zLoss);
        }
        double weightTotal = CheckLabelsProblem(logits, labels, classes, output, normalization, classWeights, ignoreIndex, labelSmoothing, form, out int rows).Total;
        if (rows == 0)
        {
            return 0 / normalization.ValueDivisor(weightTotal);
        }
        double classWeightSum = classes;
        if (!classWeights.IsEmpty)
        {
            classWeightSum = 0;
            foreach (T w in classWeights)
            {
                classWeightSum += double.CreateTruncating(w);
            }
        }
        return classWeights.IsEmpty
            ? ZRows<T, No>(logits, labels, classes, output, normalization, classWeights, ignoreIndex, labelSmoothing, zLoss, weightTotal, classWeightSum, form)
            : ZRows<T, Yes>(logits, labels, classes, output, normalization, classWeights, ignoreIndex, labelSmoothing, zLoss, weightTotal, classWeightSum, form);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double ZRows<T, TWeights>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<T> output, Normalization normalization,
        ReadOnlySpan<T> classWeights, int ignoreIndex, double smoothing, double z, double weightTotal, double classWeightSum, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TWeights : struct, IFlag
    {
        int rows = labels.Length;
        double f = 1 / normalization.GradientDivisor(weightTotal);
        double spread = smoothing / classes;
        ref T weights = ref MemoryMarshal.GetReference(classWeights);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int start = r * classes;
            int label = MultiClass.Use(labels[r], classes, ignoreIndex, r);
            if (label == ignoreIndex)
            {
                if (form == Form.PerElement)
                {
                    output[r] = T.Zero;
                }
                else if (form == Form.Fused)
                {
                    output.Slice(start, classes).Clear();
                }
                continue;
            }
            ReadOnlySpan<T> row = logits.Slice(start, classes);
            ref T x = ref MemoryMarshal.GetReference(row);
            T max = RowDriver.Max(row);
            ref T w = ref TWeights.Value ? ref weights : ref Unsafe.NullRef<T>();
            RowDriver.Sums(new SoftmaxTerms<T, TWeights>(max), ref x, ref w, ref Unsafe.NullRef<T>(), classes, out RowSums sums);
            // lse = max + log Σe^(x − max), the log on the library's own (bit-identical) log.
            double lse = Constant.ToDouble(max) + VMath.Log<WScalar<double>, double>(new WScalar<double>(sums.First)).V;
            T labelLogit = Unsafe.Add(ref x, label);
            double wy = TWeights.Value ? double.CreateTruncating(Unsafe.Add(ref weights, label)) : 1;
            // (1 − ε)·w_y·(lse − x_y) + (ε/C)·(lse·Σw − Σw·x) + w_y·z·lse².
            double loss = (1 - smoothing) * wy * (lse - Constant.ToDouble(labelLogit)) + spread * (lse * classWeightSum - sums.Second) + wy * z * lse * lse;
            total += loss;
            if (form == Form.PerElement)
            {
                output[r] = T.CreateTruncating(loss);
            }
            else if (form == Form.Fused)
            {
                // g_c = f·(softmax_c·((1 − ε)w_y + (ε/C)Σw + 2z·w_y·lse) − (ε/C)·w_c) − f·(1 − ε)·w_y at the label.
                // softmax_c = e^(x_c − max)/Σ, so the 1/Σ goes into k (x − max is exact where it matters; x − lse would not be).
                T k = T.CreateTruncating(f * ((1 - smoothing) * wy + spread * classWeightSum + 2 * z * wy * lse) / sums.First);
                T s = T.CreateTruncating(f * spread);
                ref T gradient = ref MemoryMarshal.GetReference(output.Slice(start));
                // The label's column in double from its logit read before the pass (in place, the pass overwrites it):
                // softmax_y − 1 = −(Σ − e_y)/Σ, with e_y the very term of Σ, cancels nothing.
                double ey = Constant.ToDouble(VMath.ExpSoftmax<WScalar<T>, T>(new WScalar<T>(labelLogit - max)).V);
                double softmaxY = ey / sums.First;
                double atLabel = f * ((1 - smoothing) * wy * (-(sums.First - ey) / sums.First) + softmaxY * (spread * classWeightSum + 2 * z * wy * lse) - spread * wy);
                RowDriver.Map(new SoftmaxGradientMap<T, TWeights>(max, k, s), ref x, ref w, ref Unsafe.NullRef<T>(), ref gradient, ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), classes);
                Unsafe.Add(ref gradient, label) = T.CreateTruncating(atLabel);
            }
        }
        return total / normalization.ValueDivisor(weightTotal);
    }
}

/// <summary>Σe^(x − max) and Σx (or Σw·x with class weights) of a row: the logits x₀, the class weights x₁.</summary>
internal readonly struct SoftmaxTerms<T, TWeights>(T max) : IRowTerms<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TWeights : struct, IFlag
{
    public static int Inputs
    {
        // Inlined by force: a flag's value, so that the driver's tests of it fold (without, the call stayed a call in
        // the row loop and every sum's copy was compiled in).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TWeights.Value ? 2 : 1;
    }

    public static int Count => 2;

    public static bool Expensive => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Term<TVec>(int sum, TVec x, TVec w, TVec x2, nuint i) where TVec : struct, IVec<TVec, T>
        => sum == 0 ? VMath.ExpSoftmax<TVec, T>(x - TVec.Create(max)) : TWeights.Value ? w * x : x;
}

/// <summary>k·e^(x − max) − s·w per column (k holds the 1/Σ of the softmax; the label's extra term is the caller's).</summary>
internal readonly struct SoftmaxGradientMap<T, TWeights>(T max, T k, T s) : IRowMap<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TWeights : struct, IFlag
{
    public static bool Expensive => true;

    public static int Inputs
    {
        // Inlined by force: a flag's value, so that the driver's tests of it fold (without, the call stayed a call in
        // the row loop and every sum's copy was compiled in).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TWeights.Value ? 2 : 1;
    }

    public static int Outputs => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Map<TVec>(TVec x, TVec w, TVec x2, nuint i, out TVec y0, out TVec y1, out TVec y2) where TVec : struct, IVec<TVec, T>
    {
        TVec softmax = VMath.ExpSoftmax<TVec, T>(x - TVec.Create(max));
        TVec spread = TWeights.Value ? TVec.Create(s) * w : TVec.Create(s);
        y0 = TVec.Create(k) * softmax - spread;
        y1 = default;
        y2 = default;
    }
}
