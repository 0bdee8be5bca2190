using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>
/// The pass of an <see cref="Objective{T}"/>: all its terms over the same input and target, in tiles that stay in
/// the first-level cache.
/// </summary>
/// <remarks>
/// <para>A tile is <see cref="TileBytes"/> of the input (whole blocks of <see cref="PointwiseDriver"/>): every term
/// runs over it in turn, the first writing its weighted gradient into a buffer on the stack, the others adding theirs,
/// and the buffer is then copied to the gradient. The input and target are read from memory once and the gradient is
/// written once, whatever the number of terms, and the gradient may be the input itself (in place): the terms
/// after the first still read the input.</para>
/// <para>Each term keeps the accumulators of the single loss and adds its blocks in the single loss's order, segment
/// by segment (<see cref="PointwiseDriver.SegmentLength"/>), so that each term's value has the bits of the single
/// loss's call; the gradient is <c>((s₀g₀ + s₁g₁) + s₂g₂) + …</c> in term order, each <c>sₖ = wₖ/n</c> (Mean) or
/// <c>wₖ</c> (Sum) rounded once. Every path gives the same bits.</para>
/// <para>Adjacent terms that share work (two losses of logits: <see cref="TermPair{T}"/>) run as one, each with the
/// bits it has alone: σ(x), σ(−x) and log1p(e^−|x|) once for both.</para>
/// </remarks>
internal static unsafe class ObjectiveDriver
{
    /// <summary>The input bytes of a tile: 4 KB (1024 floats, 512 doubles), so that input, target and gradient buffer stay in L1.</summary>
    internal const int TileBytes = 4096;

    /// <summary>What a pass writes.</summary>
    internal enum Outputs
    {
        /// <summary>The values only.</summary>
        None,
        /// <summary>The weighted gradient Σ sₖ∇Lₖ into one span.</summary>
        Combined,
        /// <summary>Each term's weighted gradient into its row of a [terms × n] span, and optionally their sum.</summary>
        PerTerm,
    }

    private struct Job<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public ObjectiveTerm<T>[] Terms;
        public TermPair<T>?[] Pairs;
        public KernelPath Path;
        public Outputs Outputs;
        public T* X, Y, Gradient, TermGradients;
        public nuint Length;
        public T Rho;
        public Scales<T> Scales;
    }

    /// <summary>The gradient scale of each term.</summary>
    [InlineArray(Segments.MaxWidth)]
    internal struct Scales<T>
    {
        private T _element;
    }

    /// <summary>
    /// Runs the terms over the input and writes into <paramref name="sums"/>[k] the sum of term k's losses divided by
    /// <paramref name="divisor"/> (n for a mean, 1 for a sum), as the single loss computes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T>(ObjectiveTerm<T>[] terms, TermPair<T>?[] pairs, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> gradient, Span<T> termGradients, Outputs outputs,
        scoped ReadOnlySpan<T> scales, double divisor, Span<double> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        nuint n = (nuint)x.Length;
        double rho = PointwiseDriver.SumScale<T>(n);
        fixed (T* px = x, py = y, pg = gradient, pt = termGradients)
        {
            Job<T> job = new()
            {
                Terms = terms, Pairs = pairs, Path = KernelPaths.Active, Outputs = outputs,
                X = px, Y = py, Gradient = pg, TermGradients = pt, Length = n, Rho = Constant.Of<T>(rho),
            };
            for (int k = 0; k < terms.Length; k++)
            {
                job.Scales[k] = scales[k];
            }
            int count = (int)((n + PointwiseDriver.SegmentLength - 1) / PointwiseDriver.SegmentLength);
            Span<double> totals = sums.Slice(0, terms.Length);
            if (count <= 1)
            {
                double* partials = stackalloc double[Segments.MaxWidth];
                Segment(ref job, 0, n, partials);
                new Span<double>(partials, terms.Length).CopyTo(totals);
            }
            else
            {
                Segments.Sum(&JobSegment<T>, Unsafe.AsPointer(ref job), count, x.Length >= ParallelThreshold(terms), totals);
            }
            for (int k = 0; k < terms.Length; k++)
            {
                totals[k] = totals[k] / divisor / rho;
            }
        }
    }

    /// <summary>The element-wise driver's threshold for several threads: that of a cheap operator only if every term is cheap.</summary>
    private static int ParallelThreshold<T>(ObjectiveTerm<T>[] terms) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => PointwiseDriver.ParallelThreshold(Array.TrueForAll(terms, term => term.Cheap));

    private static void JobSegment<T>(void* context, int index, double* partials) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref Job<T> job = ref Unsafe.AsRef<Job<T>>(context);
        nuint start = (nuint)index * PointwiseDriver.SegmentLength;
        Segment(ref job, start, Math.Min(PointwiseDriver.SegmentLength, job.Length - start), partials);
    }

    /// <summary>The terms over elements [start, start + count): their scaled sums Σρt into <paramref name="partials"/>.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Segment<T>(ref Job<T> job, nuint start, nuint count, double* partials) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ObjectiveTerm<T>[] terms = job.Terms;
        int k0 = terms.Length;
        PointwiseDriver.TermSums* sums = stackalloc PointwiseDriver.TermSums[Segments.MaxWidth];
        new Span<byte>(sums, sizeof(PointwiseDriver.TermSums) * k0).Clear();
        int tileLength = TileBytes / sizeof(T);
        T* tile = stackalloc T[tileLength];
        nuint block = 4 * (nuint)PointwiseDriver.Lanes<T>();
        KernelPath path = job.Path;
        for (nuint t = 0; t < count; t += (nuint)tileLength)
        {
            nuint length = Math.Min((nuint)tileLength, count - t);
            nuint whole = length / block * block;
            nuint at = start + t;
            ref T x = ref job.X[at];
            ref T y = ref job.Y[at];
            for (int k = 0; k < k0; k++)
            {
                TermOutput mode;
                ref T output = ref Unsafe.NullRef<T>();
                switch (job.Outputs)
                {
                    case Outputs.Combined:
                        mode = k == 0 ? TermOutput.Write : TermOutput.Add;
                        output = ref *tile;
                        break;
                    case Outputs.PerTerm:
                        mode = TermOutput.Write;
                        output = ref job.TermGradients[(nuint)k * job.Length + at];
                        break;
                    default:
                        mode = TermOutput.None;
                        break;
                }
                if (job.Pairs[k] is TermPair<T> pair)
                {
                    // Terms k and k + 1 as one: the second's gradient added to the first's, or into its own row.
                    bool separate = job.Outputs == Outputs.PerTerm;
                    ref T output2 = ref separate ? ref job.TermGradients[(nuint)(k + 1) * job.Length + at] : ref Unsafe.NullRef<T>();
                    if (whole != 0)
                    {
                        pair.Run(path, false, ref x, ref y, ref output, ref output2, whole / block, job.Scales[k], job.Scales[k + 1], job.Rho, mode, separate, ref sums[k], ref sums[k + 1]);
                    }
                    if (whole < length)
                    {
                        pair.Run(path, true, ref Unsafe.Add(ref x, whole), ref Unsafe.Add(ref y, whole),
                            ref mode == TermOutput.None ? ref output : ref Unsafe.Add(ref output, whole),
                            ref separate ? ref Unsafe.Add(ref output2, whole) : ref output2,
                            length - whole, job.Scales[k], job.Scales[k + 1], job.Rho, mode, separate, ref sums[k], ref sums[k + 1]);
                    }
                    k++;
                    continue;
                }
                ObjectiveTerm<T> term = terms[k];
                if (whole != 0)
                {
                    term.Blocks(path, ref x, ref y, ref output, whole / block, job.Scales[k], job.Rho, mode, ref sums[k]);
                }
                if (whole < length)
                {
                    term.LastBlock(path, ref Unsafe.Add(ref x, whole), ref Unsafe.Add(ref y, whole),
                        ref mode == TermOutput.None ? ref output : ref Unsafe.Add(ref output, whole), length - whole, job.Scales[k], job.Rho, mode, ref sums[k]);
                }
            }
            if (job.Outputs == Outputs.Combined)
            {
                new ReadOnlySpan<T>(tile, (int)length).CopyTo(new Span<T>(job.Gradient + at, (int)length));
            }
            else if (job.Outputs == Outputs.PerTerm && job.Gradient != null)
            {
                AddRows(job.TermGradients + at, job.Length, k0, job.Gradient + at, (int)length);
            }
        }
        for (int k = 0; k < k0; k++)
        {
            partials[k] = PointwiseDriver.TermSum<T>(path, ref sums[k]);
        }
    }

    /// <summary>destination[i] = ((row₀[i] + row₁[i]) + row₂[i]) + … for the rows at <paramref name="rows"/>, <paramref name="stride"/> apart.</summary>
    private static void AddRows<T>(T* rows, nuint stride, int count, T* destination, int length) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Span<T> sum = new(destination, length);
        new ReadOnlySpan<T>(rows, length).CopyTo(sum);
        for (int k = 1; k < count; k++)
        {
            ReadOnlySpan<T> row = new(rows + (nuint)k * stride, length);
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; i <= length - Vector<T>.Count; i += Vector<T>.Count)
                {
                    (new Vector<T>(sum.Slice(i)) + new Vector<T>(row.Slice(i))).CopyTo(sum.Slice(i));
                }
            }
            for (; i < length; i++)
            {
                sum[i] += row[i];
            }
        }
    }
}
