using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastLoss.Kernels;

/// <summary>Checks and reductions shared by the multi-class losses.</summary>
internal static class MultiClass
{
    /// <summary>
    /// Checks every label (in [0, classes) or equal to <paramref name="ignoreIndex"/>) and returns the
    /// summed weight of the rows that count: the denominator of <c>Mean</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CompensatedSum LabelWeightTotal<T>(ReadOnlySpan<int> labels, int classes, ReadOnlySpan<T> classWeights, int ignoreIndex)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Without class weights the total is a count (exact); with them it is summed with compensation (see
        // CompensatedSum), so that the merged totals of any shards of the rows are this one.
        if (classWeights.IsEmpty && Vector.IsHardwareAccelerated && CountLabels(labels, classes, ignoreIndex, out int count))
        {
            return new CompensatedSum { High = count };
        }
        int counted = 0;
        CompensatedSum total = default;
        for (int r = 0; r < labels.Length; r++)
        {
            int label = labels[r];
            if (label == ignoreIndex)
            {
                continue;
            }
            if ((uint)label >= (uint)classes)
            {
                ThrowOutside(label, classes, ignoreIndex, r);
            }
            if (classWeights.IsEmpty)
            {
                counted++;
            }
            else
            {
                total.Add(double.CreateTruncating(classWeights[label]));
            }
        }
        if (classWeights.IsEmpty)
        {
            total.High = counted;
        }
        return total;
    }

    /// <summary>
    /// The labels that are not <paramref name="ignoreIndex"/>, counted a vector at a time (branch-free: a label a
    /// cycle or more in the loop above, which took 6% of cross-entropy 256×10), the last few one at a time; false,
    /// with nothing counted, where a label is out of range, for the loop above to name it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CountLabels(ReadOnlySpan<int> labels, int classes, int ignoreIndex, out int count)
    {
        ref int start = ref MemoryMarshal.GetReference(labels);
        Vector<int> ignore = new(ignoreIndex), ignored = Vector<int>.Zero, outside = Vector<int>.Zero;
        Vector<uint> limit = new((uint)classes);
        int whole = labels.Length - labels.Length % Vector<int>.Count;
        for (int r = 0; r < whole; r += Vector<int>.Count)
        {
            Vector<int> label = Vector.LoadUnsafe(ref start, (nuint)r);
            Vector<int> isIgnored = Vector.Equals(label, ignore);
            ignored -= isIgnored;
            outside |= Vector.AndNot(Vector.AsVectorInt32(Vector.GreaterThanOrEqual(Vector.AsVectorUInt32(label), limit)), isIgnored);
        }
        count = whole - Vector.Sum(ignored);
        for (int r = whole; r < labels.Length; r++)
        {
            int label = labels[r];
            if (label != ignoreIndex)
            {
                if ((uint)label >= (uint)classes)
                {
                    count = 0;
                    return false;
                }
                count++;
            }
        }
        return outside == Vector<int>.Zero;
    }

    /// <summary>Checks a per-row destination: one element per row, separate from every input.</summary>
    public static void PerRowDestination<T>(Span<T> destination, int rows, ReadOnlySpan<T> input, ReadOnlySpan<T> other, ReadOnlySpan<T> third = default)
    {
        if (destination.Length != rows)
        {
            throw new ArgumentException($"destination must have one element per row ({rows}), not {destination.Length}.", nameof(destination));
        }
        ReadOnlySpan<T> d = destination;
        if (d.Overlaps(input) || d.Overlaps(other) || d.Overlaps(third))
        {
            throw new ArgumentException("destination overlaps an input.", nameof(destination));
        }
    }

    /// <summary>
    /// An output written while labels are read must not share memory with them: the kernels would read labels
    /// they had just overwritten (as any other overlap of an output with an input, it is an error).
    /// </summary>
    public static void SeparateFromLabels<T>(Span<T> output, ReadOnlySpan<int> labels, string outputName)
        where T : unmanaged
    {
        if (MemoryMarshal.AsBytes((ReadOnlySpan<T>)output).Overlaps(MemoryMarshal.AsBytes(labels)))
        {
            throw new ArgumentException($"{outputName} overlaps labels; it must be separate from them.", outputName);
        }
    }

    /// <summary>
    /// A label as a kernel uses it: read once from the caller's memory and checked right there, because that
    /// memory may have changed since <see cref="LabelWeightTotal"/> checked it (another thread writing it during
    /// the call). A label used as an index is always this value, never a second read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Use(int label, int classes, int ignoreIndex, int row)
    {
        if (label != ignoreIndex && (uint)label >= (uint)classes)
        {
            ThrowChanged(label, classes, row);
        }
        return label;
    }

    /// <summary>As <see cref="Use(int, int, int, int)"/> for a label that has no ignore value (the metrics): always a class index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int UseClass(int label, int classes, int row)
    {
        if ((uint)label >= (uint)classes)
        {
            ThrowChanged(label, classes, row);
        }
        return label;
    }

    // A call of its own: inline, the message's formatting was compiled into every caller's first call (it took
    // LabelWeightTotal from 173 to 324 bytes of IL).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOutside(int label, int classes, int ignoreIndex, int row)
        => throw new ArgumentOutOfRangeException("labels", label,
            $"labels[{row}] (row {row}) is {label}, outside [0, {classes}) and not ignoreIndex ({ignoreIndex}).");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowChanged(int label, int classes, int row)
        => throw new ArgumentOutOfRangeException("labels", label,
            $"labels[{row}] (row {row}) is {label}, outside [0, {classes}): the labels changed while the call was reading them.");

    /// <summary>
    /// ρ = 2^−r, the largest power of two with 2·rows·ρ ≤ 1, by which the kernels scale every row loss before they
    /// add them: a row loss may exceed double's range only by less than 2 (it is at most a gap of two finite values
    /// plus a log), so ρ times the sum of the rows cannot overflow where their mean does not. Being a power of two,
    /// it changes no bits, but those of a double row loss below about 2^−990·rows (scaled into the subnormal range).
    /// </summary>
    public static double LossScale(int rows) => Math.ScaleB(1.0, -(Math.ILogB(2.0 * Math.Max(rows, 1) - 1) + 1));

    /// <summary>Checks the labels' count against the rows.</summary>
    public static void LabelCount(ReadOnlySpan<int> labels, int rows)
    {
        if (labels.Length != rows)
        {
            throw new ArgumentException($"labels must have one label per row: the input has {rows} rows, labels has {labels.Length}.", nameof(labels));
        }
    }

    /// <summary>Negative log-likelihood over log-probabilities: the sum of −w_y·x[r, y] over rows that count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double NegativeLogLikelihoodSum<T>(ReadOnlySpan<T> logProbabilities, ReadOnlySpan<int> labels, int classes, ReadOnlySpan<T> classWeights, int ignoreIndex, Span<T> perRow)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double sum = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            int label = Use(labels[r], classes, ignoreIndex, r);
            double loss = 0;
            if (label != ignoreIndex)
            {
                double w = classWeights.IsEmpty ? 1.0 : double.CreateTruncating(classWeights[label]);
                loss = -w * double.CreateTruncating(logProbabilities[r * classes + label]);
            }
            if (!perRow.IsEmpty)
            {
                perRow[r] = T.CreateTruncating(loss);
            }
            sum += loss;
        }
        return sum;
    }

    /// <summary>The gradient of NLL: −w_y·scale at each counted row's label, 0 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NegativeLogLikelihoodGradient<T>(Span<T> gradient, ReadOnlySpan<int> labels, int classes, ReadOnlySpan<T> classWeights, int ignoreIndex, double scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        gradient.Clear();
        for (int r = 0; r < labels.Length; r++)
        {
            int label = Use(labels[r], classes, ignoreIndex, r);
            if (label != ignoreIndex)
            {
                double w = classWeights.IsEmpty ? 1.0 : double.CreateTruncating(classWeights[label]);
                gradient[r * classes + label] = T.CreateTruncating(-w * scale);
            }
        }
    }
}
