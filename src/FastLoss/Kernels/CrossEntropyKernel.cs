using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>One call of softmax cross-entropy over a row-major <c>[rows × classes]</c> matrix of logits, checked.</summary>
internal ref struct CrossEntropyProblem<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public ReadOnlySpan<T> Logits;
    public ReadOnlySpan<int> Labels;        // label mode
    public ReadOnlySpan<T> Targets;         // soft-target mode: probabilities per row
    public ReadOnlySpan<T> ClassWeights;    // label mode, optional
    public Span<T> Gradient;                // fused form
    public Span<T> PerRow;                  // per-row form
    public int Classes;
    public int IgnoreIndex;
    public double Smoothing;
    public double Scale;                    // 1/denominator (Mean) or 1 (Sum), applied to the gradient
    public double WeightTotal;              // Σ class weights, or classes
    public double LossScale;                // ρ = 2^−r with 2^r ≥ 2·rows (see CrossEntropyKernel.RunScaled)
    public double ZLoss;                    // z of the z-loss z·w_y·lse² (label mode, rows of more than MaxTransposedClasses only)
    public bool WritesGradient;
}

/// <summary>
/// Fused softmax cross-entropy, row by row, with no temporary rows.
/// </summary>
/// <remarks>
/// <para>Narrow rows (at most 32 classes) go 16 (float) or 8 (double) rows at a time, the last few in a block
/// padded with ignored rows: the block is transposed so that lane i holds row i (AVX-512 shuffles for up to 16
/// float classes, else element by element), and then every step is vertical — a maximum, an exponential and a
/// sum per class, one vector log for all the rows, and for integer labels without smoothing the label's logit,
/// its weight, the row losses and the gradient too (<see cref="LabelBlockScaled"/>).</para>
/// <para>A longer row takes three passes: its maximum (four running maxima), then Σ e^(x − max) with the sums
/// that need the maximum, storing e^(x − max) in the gradient row while the next row is prefetched, then the
/// gradient e·K − B in place. An online log-sum-exp would read the row once but rescale whenever a lane's
/// maximum grows, which on ordinary logits is most chunks of a long row: an extra exponential each time
/// (measured slower).</para>
/// <para>Every path runs on its own vectors, a 64-byte logical vector being one, two or four of them (its parts),
/// each with sums of its own, so that every path adds the same lanes in the same order.</para>
/// <para>Exponentials are taken of <c>x − max ≤ 0</c> only, so any finite logits work (TensorPrimitives' SoftMax
/// overflows above about 88). The running maximum starts at −MaxValue rather than −∞ so that −∞ logits add 0
/// instead of NaN.</para>
/// <para>Order of summation: within a long row, element c goes to lane c mod L (the row's last partial chunk,
/// read ending at the row's end with the lanes already counted masked out, first); lanes are combined in the
/// fixed halving tree of <see cref="IVec{TSelf, T}.ReduceSum"/>; rows are added in order in double, a label
/// block's 16 rows first in a fixed pairwise tree. All of this depends on the shape only, never on the
/// hardware or the address.</para>
/// </remarks>
internal static class CrossEntropyKernel
{
    /// <summary>
    /// Runs the problem and returns the sum of the row losses times <see cref="CrossEntropyProblem{T}.LossScale"/> ρ:
    /// scaled, each row loss and their sum stay in double's range where the true values do not (a gap of 2e308
    /// between two double logits is a loss of 2e308; rows of 1e308 add up past double) while the mean does.
    /// ρ is a power of two, so the bits are those of the unscaled sum, scaled.
    /// </summary>
    /// <remarks>
    /// A large input is cut into segments of whole rows (about 64K elements; a multiple of L rows where they go in
    /// blocks), each summed on
    /// its own from zero, and the segments' sums are added in order (<see cref="Segments"/>), on several threads
    /// from 128K elements: the rows a segment holds depend on the shape only, so the bits do not depend on the
    /// threads. An input of one segment is one sum, as if there were no segments.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe double RunScaled<T, TVec, TSoft, TWeights>(scoped in CrossEntropyProblem<T> problem)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        int classes = problem.Classes;
        int rows = problem.Logits.Length / classes;
        if (classes == 1)
        {
            return SingleClassScaled<T, TSoft, TWeights>(in problem);
        }
        // Narrow rows go in blocks of L rows, which a segment must not split; long rows one at a time.
        int granularity = classes <= MaxTransposedClasses ? Lanes<T>() : 1;
        int rowsPerSegment = Math.Max(granularity, (PointwiseDriver.SegmentLength / classes + granularity - 1) / granularity * granularity);
        int segments = (rows + rowsPerSegment - 1) / rowsPerSegment;
        if (segments <= 1)
        {
            return Rows<T, TVec, TSoft, TWeights>(in problem, 0, rows);
        }
        fixed (T* logits = problem.Logits, targets = problem.Targets, weights = problem.ClassWeights, gradient = problem.Gradient, perRow = problem.PerRow)
        fixed (int* labels = problem.Labels)
        {
            Job<T> job = new()
            {
                Logits = logits, Targets = targets, ClassWeights = weights, Gradient = gradient, PerRow = perRow, Labels = labels,
                Length = problem.Logits.Length, TargetsLength = problem.Targets.Length, WeightsLength = problem.ClassWeights.Length,
                GradientLength = problem.Gradient.Length, PerRowLength = problem.PerRow.Length, LabelsLength = problem.Labels.Length,
                Classes = classes, IgnoreIndex = problem.IgnoreIndex, Smoothing = problem.Smoothing, Scale = problem.Scale,
                WeightTotal = problem.WeightTotal, LossScale = problem.LossScale, ZLoss = problem.ZLoss, WritesGradient = problem.WritesGradient,
                RowsPerSegment = rowsPerSegment, Rows = rows,
            };
            return Segments.Sum(&JobSegment<T, TVec, TSoft, TWeights>, Unsafe.AsPointer(ref job), segments, problem.Logits.Length >= 1 << 17);
        }
    }

    /// <summary>One call's problem for the segments' threads, its memory pinned by the caller.</summary>
    private unsafe struct Job<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public T* Logits, Targets, ClassWeights, Gradient, PerRow;
        public int* Labels;
        public int Length, TargetsLength, WeightsLength, GradientLength, PerRowLength, LabelsLength;
        public int Classes, IgnoreIndex, RowsPerSegment, Rows;
        public double Smoothing, Scale, WeightTotal, LossScale, ZLoss;
        public bool WritesGradient;
    }

    private static unsafe double JobSegment<T, TVec, TSoft, TWeights>(void* context, int index)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        ref Job<T> job = ref Unsafe.AsRef<Job<T>>(context);
        CrossEntropyProblem<T> problem = new()
        {
            Logits = new ReadOnlySpan<T>(job.Logits, job.Length),
            Targets = new ReadOnlySpan<T>(job.Targets, job.TargetsLength),
            ClassWeights = new ReadOnlySpan<T>(job.ClassWeights, job.WeightsLength),
            Gradient = new Span<T>(job.Gradient, job.GradientLength),
            PerRow = new Span<T>(job.PerRow, job.PerRowLength),
            Labels = new ReadOnlySpan<int>(job.Labels, job.LabelsLength),
            Classes = job.Classes,
            IgnoreIndex = job.IgnoreIndex,
            Smoothing = job.Smoothing,
            Scale = job.Scale,
            WeightTotal = job.WeightTotal,
            LossScale = job.LossScale,
            ZLoss = job.ZLoss,
            WritesGradient = job.WritesGradient,
        };
        int start = index * job.RowsPerSegment;
        return Rows<T, TVec, TSoft, TWeights>(in problem, start, Math.Min(job.Rows, start + job.RowsPerSegment));
    }

    /// <summary>Rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>): the sum of their losses times ρ, in row order (a block's rows in its tree).</summary>
    // Stack buffers are not zeroed on entry (a 4 KB block buffer per call otherwise): the row scratch is
    // cleared explicitly, the block buffers are always written before they are read.
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Rows<T, TVec, TSoft, TWeights>(scoped in CrossEntropyProblem<T> problem, int rowStart, int rowEnd)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        int classes = problem.Classes;
        int lanes = Lanes<T>();
        bool writesGradient = problem.WritesGradient;
        bool perRow = !problem.PerRow.IsEmpty;
        double eps = problem.Smoothing;
        double scale = problem.Scale;
        RowConstants<T> k = new()
        {
            Classes = classes,
            Smoothing = eps,
            Scale = scale,
            WeightTotal = problem.WeightTotal,
            EpsOverCScaled = Constant.Of<T>(eps / classes * scale),
            OneMinusEpsScaled = Constant.Of<T>((1 - eps) * scale),
            // σ = 2^−g with 2^g ≥ 2·classes.
            GapScale = Constant.Of<T>(Math.ScaleB(1.0, -(Math.ILogB(2.0 * classes - 1) + 1))),
            GapToLoss = problem.LossScale * Math.ScaleB(1.0, Math.ILogB(2.0 * classes - 1) + 1),
            LossScale = problem.LossScale,
            ZLoss = problem.ZLoss,
            WritesGradient = writesGradient,
        };

        double total = 0;
        if (classes <= MaxTransposedClasses)
        {
            // Narrow rows, a block of L rows at a time, transposed so that lane i is row i; the last rows of the
            // input in a padded block of their own.
            Span<T> work = stackalloc T[2 * MaxTransposedClasses * 16];
            Span<double> losses = stackalloc double[16];
            for (int r = rowStart; r < rowEnd; r += lanes)
            {
                total += r + lanes <= rowEnd
                    ? NarrowBlock<T, TVec, TSoft, TWeights>(in problem, r, lanes, in k, work, losses)
                    : PaddedBlock<T, TVec, TSoft, TWeights>(in problem, r, rowEnd - r, in k, work, losses);
            }
            return total;
        }
        ref T logits = ref MemoryMarshal.GetReference(problem.Logits);
        ref T targets = ref MemoryMarshal.GetReference(problem.Targets);
        ref T weights = ref MemoryMarshal.GetReference(problem.ClassWeights);
        ref T gradient = ref MemoryMarshal.GetReference(problem.Gradient);
        for (int r = rowStart; r < rowEnd; r++)
        {
            int start = r * classes;
            double wy = 1;
            int label = 0;
            if (!TSoft.Value)
            {
                // Read once and checked where it is used as an index (see MultiClass.Use).
                label = MultiClass.Use(problem.Labels[r], classes, problem.IgnoreIndex, r);
                if (label == problem.IgnoreIndex)
                {
                    if (writesGradient)
                    {
                        problem.Gradient.Slice(start, classes).Clear();
                    }
                    if (perRow)
                    {
                        problem.PerRow[r] = Constant.Of<T>(0.0);
                    }
                    continue;
                }
                if (TWeights.Value)
                {
                    wy = Constant.ToDouble(problem.ClassWeights[label]);
                }
            }
            double loss = Row<T, TVec, TSoft, TWeights>(
                ref Unsafe.Add(ref logits, start), ref Unsafe.Add(ref targets, TSoft.Value ? start : 0), ref weights,
                ref Unsafe.Add(ref gradient, writesGradient ? start : 0), label, wy, in k);
            if (perRow)
            {
                problem.PerRow[r] = Constant.Of<T>(loss / k.LossScale);
            }
            total += loss;
        }
        return total;
    }

    /// <summary>
    /// L rows of at most <see cref="MaxTransposedClasses"/> classes from <paramref name="firstRow"/>: the label block
    /// (integer labels without smoothing) or the row block; returns their loss times ρ (the first
    /// <paramref name="validRows"/> rows', the rest being padding).
    /// </summary>
    private static double NarrowBlock<T, TVec, TSoft, TWeights>(scoped in CrossEntropyProblem<T> problem, int firstRow, int validRows, scoped in RowConstants<T> k, Span<T> work, Span<double> losses)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        if (!TSoft.Value && k.Smoothing == 0)
        {
            // Padding rows are labelled ignoreIndex: they add 0.
            return LabelBlockScaled<T, TVec, TWeights>(in problem, firstRow, in k, work);
        }
        int lanes = Lanes<T>();
        RowBlock<T, TVec, TSoft, TWeights>(in problem, firstRow, in k, work, losses.Slice(0, lanes));
        double total = 0;
        for (int i = 0; i < validRows; i++)
        {
            if (!problem.PerRow.IsEmpty)
            {
                problem.PerRow[firstRow + i] = Constant.Of<T>(losses[i] / k.LossScale);
            }
            total += losses[i];
        }
        return total;
    }

    /// <summary>
    /// The last rows of a narrow input, fewer than L: copied into a block padded with rows of zero logits (and
    /// targets) labelled ignoreIndex, run as a whole block, and their outputs copied back.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static double PaddedBlock<T, TVec, TSoft, TWeights>(scoped in CrossEntropyProblem<T> problem, int firstRow, int count, scoped in RowConstants<T> k, Span<T> work, Span<double> losses)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        int lanes = Lanes<T>();
        int classes = k.Classes;
        int valid = count * classes;
        Span<T> buffers = stackalloc T[4 * MaxTransposedClasses * 16];
        buffers.Clear();
        Span<T> logits = buffers.Slice(0, lanes * classes), targets = buffers.Slice(lanes * classes, lanes * classes);
        Span<T> gradient = buffers.Slice(2 * lanes * classes, lanes * classes), perRow = buffers.Slice(3 * lanes * classes, lanes);
        Span<int> labels = stackalloc int[16];
        problem.Logits.Slice(firstRow * classes, valid).CopyTo(logits);
        if (TSoft.Value)
        {
            problem.Targets.Slice(firstRow * classes, valid).CopyTo(targets);
        }
        for (int i = 0; i < lanes; i++)
        {
            // Each label read once, checked (see MultiClass.Use), and used from this copy.
            labels[i] = TSoft.Value ? 0 : i < count ? MultiClass.Use(problem.Labels[firstRow + i], classes, problem.IgnoreIndex, firstRow + i) : problem.IgnoreIndex;
        }
        // The caller's problem on the padded copies: its constants unchanged.
        scoped CrossEntropyProblem<T> padded = problem with
        {
            Logits = logits,
            Targets = TSoft.Value ? targets : default,
            Labels = labels,
            Gradient = problem.WritesGradient ? gradient : default,
            PerRow = problem.PerRow.IsEmpty ? default : perRow,
            Classes = classes,
        };
        double total = NarrowBlock<T, TVec, TSoft, TWeights>(in padded, 0, count, in k, work, losses);
        if (problem.WritesGradient)
        {
            gradient.Slice(0, valid).CopyTo(problem.Gradient.Slice(firstRow * classes, valid));
        }
        if (!problem.PerRow.IsEmpty)
        {
            perRow.Slice(0, count).CopyTo(problem.PerRow.Slice(firstRow, count));
        }
        return total;
    }

    /// <summary>
    /// One class: the softmax is identically 1, so a row's loss is c·(x − x) and its gradient c·(1 − 1), exactly 0
    /// for a finite logit and NaN for ±∞ or NaN (PyTorch's log_softmax, x − x, gives the same). c is the row's
    /// weight (labels: the one class is the label and the whole smoothed target) or (1 − ε)·t + ε (soft targets).
    /// The general passes would leave the rounding residue of terms that cancel exactly here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SingleClassScaled<T, TSoft, TWeights>(scoped in CrossEntropyProblem<T> problem)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        double total = 0;
        for (int r = 0; r < problem.Logits.Length; r++)
        {
            double coefficient;
            bool ignored = false;
            if (TSoft.Value)
            {
                coefficient = (1 - problem.Smoothing) * Constant.ToDouble(problem.Targets[r]) + problem.Smoothing;
            }
            else
            {
                ignored = MultiClass.Use(problem.Labels[r], 1, problem.IgnoreIndex, r) == problem.IgnoreIndex;
                coefficient = TWeights.Value ? Constant.ToDouble(problem.ClassWeights[0]) : 1;
            }
            double x = Constant.ToDouble(problem.Logits[r]);
            // + 0.0 turns a −0 (a negative coefficient) into +0 and leaves NaN a NaN.
            double loss = ignored ? 0 : coefficient * (x - x) + 0.0;
            if (problem.WritesGradient)
            {
                problem.Gradient[r] = Constant.Of<T>(loss * problem.Scale + 0.0);
            }
            if (!problem.PerRow.IsEmpty)
            {
                problem.PerRow[r] = Constant.Of<T>(loss);
            }
            total += problem.LossScale * loss;
        }
        return total;
    }

    /// <summary>
    /// The library's logical width in lanes: 64 bytes (16 floats, 8 doubles). A path's own vectors hold W of them,
    /// and a logical vector is P = 64 bytes / W of those, its parts (lanes pW…pW+W−1 in part p).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Lanes<T>() => 64 / Unsafe.SizeOf<T>();

    /// <summary>Parts of a logical vector for vectors <typeparamref name="TVec"/>: 1, 2 or 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Parts<T, TVec>() where T : unmanaged, IBinaryFloatingPointIeee754<T> where TVec : struct, IVec<TVec, T>
        => Lanes<T>() / TVec.Count;

    /// <summary>
    /// The sum of a logical vector held in its parts, in the halving tree of <see cref="IVec{TSelf, T}.ReduceSum"/>
    /// (lanes j and j + L/2 first): part p and p + P/2 first, then the path's own tree.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T SumParts<T, TVec>(TVec p0, TVec p1, TVec p2, TVec p3) where T : unmanaged, IBinaryFloatingPointIeee754<T> where TVec : struct, IVec<TVec, T>
        => (64 / Unsafe.SizeOf<TVec>()) switch // in place: the JIT reads only the path's case (see Rotate)
        {
            1 => TVec.ReduceSum(p0),
            2 => TVec.ReduceSum(p0 + p1),
            _ => TVec.ReduceSum((p0 + p2) + (p1 + p3)),
        };

    /// <summary>Rows of at most this many classes go through <see cref="RowBlock"/>.</summary>
    internal const int MaxTransposedClasses = 32;

    /// <summary>
    /// Softmax cross-entropy of <c>lanes</c> consecutive narrow rows at once: the block is transposed into
    /// a small stack buffer so that lane i holds row i, and then every step is vertical (a maximum, an
    /// exponential and a sum per class, one vector log for all the rows). A row of ten classes otherwise
    /// spends its time in horizontal reductions and one scalar log, each a long chain of dependent steps.
    /// Sums over the classes run in class order: the result depends on the shape only, as everywhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RowBlock<T, TVec, TSoft, TWeights>(scoped in CrossEntropyProblem<T> problem, int firstRow, scoped in RowConstants<T> k, Span<T> work, Span<double> losses)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        int classes = k.Classes;
        int lanes = Lanes<T>();
        int parts = Parts<T, TVec>();
        double eps = k.Smoothing;
        bool smoothing = eps != 0;
        Span<T> xs = work.Slice(0, classes * lanes);
        Span<T> ts = TSoft.Value ? work.Slice(classes * lanes, classes * lanes) : default;
        ReadOnlySpan<T> logits = problem.Logits.Slice(firstRow * classes, classes * lanes);
        Transpose(logits, xs, lanes, classes);
        if (TSoft.Value)
        {
            Transpose(problem.Targets.Slice(firstRow * classes, classes * lanes), ts, lanes, classes);
        }

        // Per-row scalars: label logit, label weight; then max, Σ e, Σ t, and the gap sums.
        Span<T> scalars = stackalloc T[6 * 16];
        Span<T> maxS = scalars.Slice(0, lanes), sumS = scalars.Slice(lanes, lanes), targetS = scalars.Slice(2 * lanes, lanes);
        Span<T> weightedS = scalars.Slice(3 * lanes, lanes), plainS = scalars.Slice(4 * lanes, lanes), factorS = scalars.Slice(5 * lanes, lanes);
        Span<double> labelLogit = stackalloc double[16];
        Span<double> labelWeight = stackalloc double[16];
        // Each label read once, checked, and used from here (see MultiClass.Use).
        Span<int> labels = stackalloc int[16];
        if (!TSoft.Value)
        {
            for (int i = 0; i < lanes; i++)
            {
                int label = labels[i] = MultiClass.Use(problem.Labels[firstRow + i], classes, problem.IgnoreIndex, firstRow + i);
                bool ignored = label == problem.IgnoreIndex;
                labelLogit[i] = ignored ? 0 : Constant.ToDouble(xs[label * lanes + i]);
                labelWeight[i] = ignored ? 0 : TWeights.Value ? Constant.ToDouble(problem.ClassWeights[label]) : 1.0;
            }
        }

        for (int p = 0; p < parts; p++)
        {
            BlockMaximumAndSums<T, TVec, TSoft, TWeights>(xs, ts, problem.ClassWeights, classes, smoothing, k.GapScale, scalars, p * TVec.Count);
            VectorLog<T, TVec>(ref sumS[p * TVec.Count], ref factorS[p * TVec.Count]);
        }

        for (int i = 0; i < lanes; i++)
        {
            double log = Constant.ToDouble(factorS[i]);
            double coefficient;
            if (TSoft.Value)
            {
                coefficient = (1 - eps) * Constant.ToDouble(targetS[i]) + eps;
                losses[i] = SoftRowLossScaled(Constant.ToDouble(weightedS[i]), Constant.ToDouble(plainS[i]), coefficient, log, in k);
            }
            else
            {
                double wy = labelWeight[i];
                losses[i] = LabelRowLossScaled(wy, Constant.ToDouble(maxS[i]), labelLogit[i], Constant.ToDouble(weightedS[i]), log, in k);
                coefficient = (1 - eps) * wy + eps / classes * k.WeightTotal;
                if (labels[i] == problem.IgnoreIndex)
                {
                    losses[i] = 0;
                }
            }
            factorS[i] = Constant.Of<T>(coefficient * k.Scale / Constant.ToDouble(sumS[i]));
        }
        if (!k.WritesGradient)
        {
            return;
        }

        TVec epsOverC = TVec.Create(k.EpsOverCScaled);
        TVec oneMinusEps = TVec.Create(k.OneMinusEpsScaled);
        for (int p = 0; p < parts; p++)
        {
            TVec kv = TVec.Load(ref factorS[0], (nuint)(p * TVec.Count));
            for (int c = 0; c < classes; c++)
            {
                nuint offset = (nuint)(c * lanes + p * TVec.Count);
                TVec b = TSoft.Value
                    ? TVec.Load(ref ts[0], offset) * oneMinusEps + epsOverC
                    : TWeights.Value ? TVec.Create(problem.ClassWeights[c]) * epsOverC : epsOverC;
                TVec.Store(TVec.Load(ref xs[0], offset) * kv - b, ref xs[0], offset);
            }
        }
        Span<T> gradient = problem.Gradient.Slice(firstRow * classes, classes * lanes);
        // The class-major block is `classes` rows of `lanes`: transposing it gives the rows back.
        Transpose(xs, gradient, classes, lanes);
        for (int i = 0; i < lanes; i++)
        {
            Span<T> row = gradient.Slice(i * classes, classes);
            if (!TSoft.Value && labels[i] == problem.IgnoreIndex)
            {
                row.Clear();
                continue;
            }
            if (!TSoft.Value)
            {
                // The label's own −(1 − ε)·w_y, as in the row kernel.
                row[labels[i]] -= Constant.Of<T>((1 - eps) * labelWeight[i] * k.Scale);
            }
        }
    }

    /// <summary>
    /// <see cref="RowBlock"/> for integer labels without label smoothing (the common case), with every step
    /// vertical, the per-row ones included: the label's logit and weight are picked while the maximum is
    /// taken (a compare and a select per class), and the row losses, the gradient factors and the label's
    /// own term are vectors too. Row losses are computed in T (as the elementwise losses are) and added in
    /// double by the caller.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static double LabelBlockScaled<T, TVec, TWeights>(scoped in CrossEntropyProblem<T> problem, int firstRow, scoped in RowConstants<T> k, Span<T> work)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TWeights : struct, IFlag
    {
        int classes = k.Classes;
        int lanes = Lanes<T>();
        Span<T> xs = work.Slice(0, classes * lanes);
        // AVX-512 shuffles for up to 16 float classes: the same layout (and so the same bits) as the scalar
        // transpose.
        bool shuffled = typeof(TVec) == typeof(W512<float>) && Transpose16.IsSupported && classes <= 16;
        ReadOnlySpan<T> blockLogits = problem.Logits.Slice(firstRow * classes);
        if (shuffled)
        {
            Transpose16.ToColumns(MemoryMarshal.Cast<T, float>(blockLogits), MemoryMarshal.Cast<T, float>(xs), classes);
        }
        else
        {
            Transpose(blockLogits.Slice(0, classes * lanes), xs, lanes, classes);
        }

        // Lane vectors, `lanes` apart: the label as a T (labels are below 32 here, so exact), whether the row
        // is ignored (a mask), then what the vertical pass finds: maximum, Σ e, the label's logit, its weight.
        Span<T> v = stackalloc T[6 * 16];
        Span<T> labelS = v.Slice(0, lanes), ignoredS = v.Slice(lanes, lanes);
        ReadOnlySpan<int> labels = problem.Labels.Slice(firstRow, lanes);
        if (shuffled)
        {
            // The same lanes as the loop below, from one load, compare and conversion.
            Vector512<int> labelV = Vector512.Create(labels);
            Vector512<int> ignoredV = Vector512.Equals(labelV, Vector512.Create(problem.IgnoreIndex));
            Vector512.ConvertToSingle(labelV | ignoredV).StoreUnsafe(ref Unsafe.As<T, float>(ref labelS[0]));
            ignoredV.AsSingle().StoreUnsafe(ref Unsafe.As<T, float>(ref ignoredS[0]));
        }
        else
        {
            // Labels are only compared with class indices here, never used as one; each is read once.
            T allSet = typeof(T) == typeof(float) ? Unsafe.BitCast<int, T>(-1) : Unsafe.BitCast<long, T>(-1L);
            for (int i = 0; i < lanes; i++)
            {
                int label = labels[i];
                bool ignored = label == problem.IgnoreIndex;
                labelS[i] = Constant.Of<T>(ignored ? -1 : label);
                ignoredS[i] = ignored ? allSet : Constant.Of<T>(0.0);
            }
        }

        for (int p = 0; p < Parts<T, TVec>(); p++)
        {
            LabelBlockSums<T, TVec, TWeights>(xs, problem.ClassWeights, classes, v, p * TVec.Count);
        }
        Span<T> perRow = problem.PerRow.IsEmpty ? default : problem.PerRow.Slice(firstRow, lanes);
        double blockLoss = LabelBlockFinishScaled<T, TVec>(v, perRow, k.Scale, k.LossScale, k.WritesGradient ? xs : default, classes);
        if (!k.WritesGradient)
        {
            return blockLoss;
        }
        Span<T> gradient = problem.Gradient.Slice(firstRow * classes, classes * lanes);
        if (shuffled)
        {
            Transpose16.ToRows(MemoryMarshal.Cast<T, float>(xs), MemoryMarshal.Cast<T, float>(gradient), classes);
            return blockLoss;
        }
        // The class-major block is `classes` rows of `lanes`: transposing it gives the rows back.
        Transpose(xs, gradient, classes, lanes);
        return blockLoss;
    }

    /// <summary>
    /// The vertical pass of <see cref="LabelBlockScaled"/> for the rows of one part (lanes <paramref name="part"/>
    /// onwards): per lane the maximum, the label's logit and weight, then
    /// e^(x − max) in place of x and Σ e. Reads the label vector from <paramref name="v"/> and writes the max,
    /// sum, picked-logit and weight vectors there.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LabelBlockSums<T, TVec, TWeights>(Span<T> xs, ReadOnlySpan<T> classWeights, int classes, Span<T> v, int part)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TWeights : struct, IFlag
    {
        int lanes = Lanes<T>();
        if (xs.Length < classes * lanes || v.Length < 6 * lanes || part + TVec.Count > lanes || (TWeights.Value && classWeights.Length < classes))
        {
            throw new ArgumentException("label block: the buffers do not match");
        }
        ref T x0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(xs), part);
        ref T v0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(v), part);
        ref T w0 = ref MemoryMarshal.GetReference(classWeights);
        TVec label = TVec.Load(ref v0, 0);
        TVec zero = TVec.CreateConstant(0.0);
        TVec m = TVec.Create(-Lane.MaxFinite<T>());
        TVec picked = zero, weight = TWeights.Value ? zero : TVec.CreateConstant(1.0);
        for (int c = 0; c < classes; c++)
        {
            TVec xv = TVec.Load(ref x0, (nuint)(c * lanes));
            m = TVec.MaxSelect(xv, m);
            TVec isLabel = TVec.Equal(label, TVec.Create(Constant.Of<T>(c)));
            picked = TVec.Select(isLabel, xv, picked);
            if (TWeights.Value)
            {
                weight = TVec.Select(isLabel, TVec.Create(Unsafe.Add(ref w0, c)), weight);
            }
        }
        TVec sum = zero;
        for (int c = 0; c < classes; c++)
        {
            nuint offset = (nuint)(c * lanes);
            TVec e = VMath.ExpSoftmax<TVec, T>(TVec.Load(ref x0, offset) - m);
            sum += e;
            TVec.Store(e, ref x0, offset);
        }
        TVec.Store(m, ref v0, (nuint)(2 * lanes));
        TVec.Store(sum, ref v0, (nuint)(3 * lanes));
        TVec.Store(picked, ref v0, (nuint)(4 * lanes));
        TVec.Store(weight, ref v0, (nuint)(5 * lanes));
    }

    /// <summary>
    /// Row losses w_y·((max − x_y) + log Σ e) (0 for ignored rows), into <paramref name="perRow"/> if it is not
    /// empty, and, if <paramref name="exponentials"/> is not empty, the gradient e·w_y·scale/Σ e − [c = y]·w_y·scale
    /// in their place. Returns the block's loss times ρ (<paramref name="lossScale"/>): the rows' scaled losses, in
    /// double, added in a fixed pairwise tree. The log is taken here, where the gradient loop, which does not need
    /// it, hides its latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static double LabelBlockFinishScaled<T, TVec>(Span<T> v, Span<T> perRow, double scale, double lossScale, Span<T> exponentials, int classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
    {
        int lanes = Lanes<T>();
        if (v.Length < 6 * lanes || (!perRow.IsEmpty && perRow.Length < lanes) || (!exponentials.IsEmpty && exponentials.Length < classes * lanes))
        {
            throw new ArgumentException("label block: the buffers do not match");
        }
        ref T v0 = ref MemoryMarshal.GetReference(v);
        TVec zero = TVec.CreateConstant(0.0);
        for (int p = 0; p < lanes; p += TVec.Count)
        {
            TVec sum = TVec.Load(ref v0, (nuint)(3 * lanes + p));
            if (!exponentials.IsEmpty)
            {
                TVec label = TVec.Load(ref v0, (nuint)p);
                TVec ignored = TVec.Load(ref v0, (nuint)(lanes + p));
                TVec weight = TVec.Load(ref v0, (nuint)(5 * lanes + p));
                ref T e0 = ref MemoryMarshal.GetReference(exponentials);
                TVec labelTerm = weight * TVec.Create(Constant.Of<T>(scale));
                TVec factor = labelTerm / sum;
                for (int c = 0; c < classes; c++)
                {
                    nuint offset = (nuint)(c * lanes + p);
                    TVec own = TVec.Select(TVec.Equal(label, TVec.Create(Constant.Of<T>(c))), labelTerm, zero);
                    TVec g = TVec.MultiplyAdd(TVec.Load(ref e0, offset), factor, -own);
                    TVec.Store(TVec.Select(ignored, zero, g), ref e0, offset);
                }
            }
            // Σ e is not needed past here: its log takes its place.
            TVec.Store(VMath.Log<TVec, T>(sum), ref v0, (nuint)(3 * lanes + p));
        }
        // Scaled row losses in double, w·((ρ·max − ρ·x_y) + ρ·log): in T a gap of 3e38 − (−3e38) overflows float,
        // and one of 1e308 − (−1e308) double, although the block's mean may not.
        if (typeof(TVec) == typeof(W512<float>) || typeof(TVec) == typeof(W512<double>))
        {
            Vector512<double> rho = Vector512.Create(lossScale), unscale = Vector512.Create(1 / lossScale);
            TVec m = TVec.Load(ref v0, (nuint)(2 * lanes)), log = TVec.Load(ref v0, (nuint)(3 * lanes));
            TVec picked = TVec.Load(ref v0, (nuint)(4 * lanes)), weight = TVec.Load(ref v0, (nuint)(5 * lanes));
            TVec ignored = TVec.Load(ref v0, (nuint)lanes);
            if (typeof(TVec) == typeof(W512<float>))
            {
                Vector512<float> mf = Unsafe.BitCast<TVec, W512<float>>(m).V, pf = Unsafe.BitCast<TVec, W512<float>>(picked).V;
                Vector512<float> lf = Unsafe.BitCast<TVec, W512<float>>(log).V, wf = Unsafe.BitCast<TVec, W512<float>>(weight).V;
                Vector512<int> skip = Unsafe.BitCast<TVec, W512<float>>(ignored).V.AsInt32();
                Vector512<double> low = ScaledRowLoss(Vector512.WidenLower(mf), Vector512.WidenLower(pf), Vector512.WidenLower(lf), Vector512.WidenLower(wf), Vector512.WidenLower(skip).AsDouble(), rho);
                Vector512<double> high = ScaledRowLoss(Vector512.WidenUpper(mf), Vector512.WidenUpper(pf), Vector512.WidenUpper(lf), Vector512.WidenUpper(wf), Vector512.WidenUpper(skip).AsDouble(), rho);
                if (!perRow.IsEmpty)
                {
                    Vector512.Narrow(low * unscale, high * unscale).StoreUnsafe(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(perRow)));
                }
                // The pairwise tree: lanes i and i + 8, then the halving tree.
                return W512<double>.ReduceSum(new(low + high));
            }
            Vector512<double> loss = ScaledRowLoss(Unsafe.BitCast<TVec, W512<double>>(m).V, Unsafe.BitCast<TVec, W512<double>>(picked).V,
                Unsafe.BitCast<TVec, W512<double>>(log).V, Unsafe.BitCast<TVec, W512<double>>(weight).V, Unsafe.BitCast<TVec, W512<double>>(ignored).V, rho);
            if (!perRow.IsEmpty)
            {
                (loss * unscale).StoreUnsafe(ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(perRow)));
            }
            return W512<double>.ReduceSum(new(loss));
        }
        // Narrower paths: the same lane steps one lane at a time in double.
        Span<double> d = stackalloc double[16];
        for (int i = 0; i < lanes; i++)
        {
            bool skipped = T.IsNaN(Unsafe.Add(ref v0, lanes + i)); // the ignored mask: all bits set, a NaN
            double w = Constant.ToDouble(Unsafe.Add(ref v0, 5 * lanes + i));
            d[i] = skipped ? 0 : w * ((lossScale * Constant.ToDouble(Unsafe.Add(ref v0, 2 * lanes + i)) - lossScale * Constant.ToDouble(Unsafe.Add(ref v0, 4 * lanes + i)))
                + lossScale * Constant.ToDouble(Unsafe.Add(ref v0, 3 * lanes + i)));
            if (!perRow.IsEmpty)
            {
                perRow[i] = Constant.Of<T>(d[i] * (1 / lossScale));
            }
        }
        return PointwiseDriver.CanonicalSum(d.Slice(0, lanes));
    }

    /// <summary>w·((ρ·max − ρ·x_y) + ρ·log), 0 where <paramref name="ignored"/> is set: a label block row's loss times ρ, in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ScaledRowLoss(Vector512<double> max, Vector512<double> picked, Vector512<double> log, Vector512<double> weight, Vector512<double> ignored, Vector512<double> rho)
    {
        Vector512<double> loss = weight * ((max * rho - picked * rho) + log * rho);
        return Vector512.ConditionalSelect(ignored, Vector512<double>.Zero, loss);
    }

    /// <summary>
    /// destination[c·rows + i] = source[i·classes + c]: a block of rows into class-major order (and, called with
    /// the two counts swapped, back). The lengths are checked once here, so the copy itself runs without per-element bounds checks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose<T>(ReadOnlySpan<T> source, Span<T> destination, int rows, int classes)
    {
        if (source.Length != rows * classes || destination.Length != rows * classes)
        {
            throw new ArgumentException("transpose: the blocks do not match");
        }
        ref T from = ref MemoryMarshal.GetReference(source);
        ref T to = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < rows; i++)
        {
            ref T row = ref Unsafe.Add(ref from, i * classes);
            for (int c = 0; c < classes; c++)
            {
                Unsafe.Add(ref to, c * rows + i) = Unsafe.Add(ref row, c);
            }
        }
    }

    /// <summary>
    /// The vertical steps of <see cref="RowBlock"/> for the rows of one part (lanes <paramref name="part"/> onwards,
    /// a vector's worth; a row's classes are L apart): per row (lane) the maximum, then e^(x − max) stored
    /// back in place of x, Σ e, Σ t and the gap sums (gaps scaled by σ, see <see cref="RowConstants{T}.GapScale"/>),
    /// into <paramref name="scalars"/> (max, sum, targets, weighted, plain). Kept apart from the log so that each
    /// method stays within the JIT's limits.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BlockMaximumAndSums<T, TVec, TSoft, TWeights>(Span<T> xs, Span<T> ts, ReadOnlySpan<T> classWeights, int classes, bool smoothing, T gapScale, Span<T> scalars, int part)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        int lanes = Lanes<T>();
        ref T x0 = ref xs[part];
        TVec zero = TVec.CreateConstant(0.0);
        TVec m = TVec.Create(-Lane.MaxFinite<T>());
        for (int c = 0; c < classes; c++)
        {
            TVec xv = TVec.Load(ref x0, (nuint)(c * lanes));
            m = TVec.Select(TVec.GreaterThan(xv, m), xv, m);
        }
        TVec sum = zero, targetSum = zero, weighted = zero, plain = zero;
        TVec sigma = TVec.Create(gapScale), mScaled = m * sigma;
        for (int c = 0; c < classes; c++)
        {
            nuint offset = (nuint)(c * lanes);
            TVec xv = TVec.Load(ref x0, offset);
            TVec e = VMath.ExpSoftmax<TVec, T>(xv - m);
            sum += e;
            TVec gap = mScaled - xv * sigma;
            if (TSoft.Value)
            {
                TVec tv = TVec.Load(ref ts[part], offset);
                targetSum += tv;
                weighted += tv * gap;
                plain += gap;
            }
            else if (smoothing)
            {
                weighted += TWeights.Value ? TVec.Create(classWeights[c]) * gap : gap;
            }
            TVec.Store(e, ref x0, offset);
        }
        ref T s0 = ref scalars[part];
        TVec.Store(m, ref s0, 0);
        TVec.Store(sum, ref s0, (nuint)lanes);
        TVec.Store(targetSum, ref s0, (nuint)(2 * lanes));
        TVec.Store(weighted, ref s0, (nuint)(3 * lanes));
        TVec.Store(plain, ref s0, (nuint)(4 * lanes));
    }

    /// <summary>destination[0..lanes) = log(source[0..lanes)), with the library's log.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void VectorLog<T, TVec>(ref T source, ref T destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        => TVec.Store(VMath.Log<TVec, T>(TVec.Load(ref source, 0)), ref destination, 0);

    /// <summary>Per-call constants of the row kernel.</summary>
    private struct RowConstants<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public int Classes;
        public double Smoothing;
        public double Scale;
        public double WeightTotal;
        public T EpsOverCScaled;      // (ε/C)·scale
        public T OneMinusEpsScaled;   // (1 − ε)·scale

        /// <summary>
        /// σ = 2^−g, the smallest power of two with 2^g ≥ 2·classes, multiplies each gap max − x before it is summed
        /// (as max·σ − x·σ): a gap of two finite logits can exceed <typeparamref name="T"/>'s range (3e38 − (−3e38)),
        /// and so can a sum of `classes` of them, while σ·gap·classes cannot. The factor is exact (a power of two),
        /// so ordinary logits give the bits of the unscaled sums.
        /// </summary>
        public T GapScale;

        /// <summary>ρ/σ: turns a sum of scaled gaps into its share of a scaled row loss.</summary>
        public double GapToLoss;

        /// <summary>ρ, <see cref="CrossEntropyProblem{T}.LossScale"/>: every row loss is computed times ρ.</summary>
        public double LossScale;

        /// <summary>z of the z-loss (<see cref="CrossEntropyProblem{T}.ZLoss"/>): 0, or labels with long rows.</summary>
        public double ZLoss;
        public bool WritesGradient;
    }

    /// <summary>
    /// The loss of a row with soft targets times ρ: ρ·(Σ t'_c·(max − x_c) + Σ t'·log Σ e), from the scaled gap sums
    /// Σ t·gap·σ (<paramref name="weighted"/>) and Σ gap·σ (<paramref name="plain"/>, used with smoothing), where
    /// t' = (1 − ε)·t + ε/C and <paramref name="targetTotal"/> = Σ t'.
    /// </summary>
    private static double SoftRowLossScaled<T>(double weighted, double plain, double targetTotal, double log, scoped in RowConstants<T> k)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double eps = k.Smoothing;
        double gapTerm = (1 - eps) * (weighted * k.GapToLoss) + (eps != 0 ? eps / k.Classes * (plain * k.GapToLoss) : 0);
        return gapTerm + targetTotal * (k.LossScale * log);
    }

    /// <summary>
    /// The loss of a row with a label times ρ: ρ·((1 − ε)·w_y·(max − x_y + log Σ e) + (ε/C)·(Σ w_c·(max − x_c) + Σ w·log Σ e)),
    /// from the scaled gap sum Σ w·gap·σ (<paramref name="weighted"/>, used with smoothing). At ε = 1 the label's own
    /// term is absent rather than 0 times a value that may have overflowed.
    /// </summary>
    private static double LabelRowLossScaled<T>(double wy, double max, double labelLogit, double weighted, double log, scoped in RowConstants<T> k)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double eps = k.Smoothing;
        double rho = k.LossScale;
        double nll = wy * ((rho * max - rho * labelLogit) + rho * log);
        if (eps == 0)
        {
            return nll;
        }
        double own = eps == 1 ? 0 : (1 - eps) * nll;
        return own + eps / k.Classes * (weighted * k.GapToLoss + k.WeightTotal * (rho * log));
    }

    /// <summary>One row: returns its loss times ρ in double and writes its gradient if asked.</summary>
    /// <remarks>
    /// The row's work is split over a few methods that each hold one inlined exponential, so that the JIT
    /// inlines every vector operation of each (its limits on inlining are per compiled method).
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Row<T, TVec, TSoft, TWeights>(ref T x, ref T t, ref T w, ref T g, int label, double wy, scoped in RowConstants<T> k)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        int classes = k.Classes;
        // The label's logit is read before the gradient may overwrite it (in place).
        double xLabel = TSoft.Value ? 0 : Constant.ToDouble(Unsafe.Add(ref x, label));
        double eps = k.Smoothing;

        LongRowMaximumAndSum<T, TVec, TSoft, TWeights>(ref x, ref t, ref w, ref g, in k, out RowSums<T> sums);
        double logSum = ScalarLog(sums.Sum);
        // The z-loss z·w_y·lse² (lse = max + log Σ e): its gradient 2z·w_y·lse·softmax joins softmax's coefficient.
        double lse = TSoft.Value || k.ZLoss == 0 ? 0 : Constant.ToDouble(sums.Max) + logSum;
        if (k.WritesGradient)
        {
            LongRowGradient<T, TVec, TSoft, TWeights>(ref t, ref w, ref g, wy, 2 * k.ZLoss * wy * lse, in k, in sums);
        }

        if (TSoft.Value)
        {
            double targetTotal = (1 - eps) * Constant.ToDouble(sums.TargetSum) + eps;
            return SoftRowLossScaled(Constant.ToDouble(sums.Weighted), Constant.ToDouble(sums.Plain), targetTotal, logSum, in k);
        }
        if (k.WritesGradient)
        {
            // The label's own −(1 − ε)·w_y, after the vector pass wrote softmax·K − B there.
            ref T gy = ref Unsafe.Add(ref g, label);
            gy -= Constant.Of<T>((1 - eps) * wy * k.Scale);
        }
        double loss = LabelRowLossScaled(wy, Constant.ToDouble(sums.Max), xLabel, Constant.ToDouble(sums.Weighted), logSum, in k);
        return k.ZLoss == 0 ? loss : loss + wy * k.ZLoss * (lse * (k.LossScale * lse));
    }

    /// <summary>What a row's passes find: its maximum, Σ e^(x − max), and the sums that need the maximum.</summary>
    private struct RowSums<T> where T : unmanaged
    {
        public T Max;
        public double Sum;    // Σ e^(x − max), in double for long rows (a float sum of millions of terms drifts)
        public T TargetSum;   // Σ t (soft targets)
        public T Weighted;    // Σ c·gap·σ, c = t (soft) or w (labels with smoothing), gap = max − x
        public T Plain;       // Σ gap·σ, soft targets with smoothing
    }

    /// <summary>
    /// log of a double with the library's own log (the same bits everywhere). It runs in one lane of a
    /// 128-bit vector: the scalar form's integer steps would cross between SIMD and general registers at
    /// every operation, which costs several times more (a row of ten classes spent half its time here).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double ScalarLog(double value)
        => VMath.Log<W128<double>, double>(new W128<double>(Vector128.Create(value))).V.ToScalar();

    /// <summary>
    /// Passes 1 and 2 of a long row: the maximum (a read of the row that costs a compare a vector), then
    /// Σ e^(x − max) with the sums that need the maximum; the fused form stores e^(x − max) in the gradient
    /// row, which pass 3 turns into the gradient, so each element's exponential is taken once.
    /// </summary>
    /// <remarks>
    /// An online log-sum-exp (running maximum and rescaled sum per lane) reads the row once but rescales
    /// whenever a lane's maximum grows, which on ordinary logits is most chunks of a row of a thousand
    /// classes: an extra exponential each time. The separate maximum pass reads a row that is in L1 or L2.
    /// The last partial chunk is read ending at the row's end, its lanes already counted masked. The row runs
    /// one vector of the path at a time, with one inlined exponential (the JIT's inlining budget is per method);
    /// each part of a 64-byte chunk has sums of its own, rotated after every vector so that the current part's
    /// are always the first (register moves), and in the chunk's order: the same lane sums on every path.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void LongRowMaximumAndSum<T, TVec, TSoft, TWeights>(ref T x, ref T t, ref T w, ref T g, scoped in RowConstants<T> k, out RowSums<T> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        sums = default;
        int classes = k.Classes;
        int lanes = Lanes<T>();
        int parts = Parts<T, TVec>();
        nuint width = (nuint)TVec.Count;
        int full = classes / lanes;
        int tailStart = classes - lanes;
        int tailFrom = full * lanes - tailStart; // the tail chunk's first lane not in the last full chunk
        bool hasTail = classes % lanes != 0;
        bool smoothing = k.Smoothing != 0;
        bool secondSum = TSoft.Value || smoothing;
        TVec zero = TVec.CreateConstant(0.0);
        nuint vectors = (nuint)(full * parts);

        // The scalar path's logical vector (Dispatch.CrossEntropyScaled: 16 or 8 single lanes) runs its long rows
        // element by element (ScalarRowMaximum, ScalarLongRowSums). Tested in place, so that the JIT reads only the
        // branch the path runs (a helper's result is known only after inlining: the other branch's exponential was
        // compiled in too).
        if (typeof(TVec) == typeof(Quad<Quad<WScalar<T>, T>, T>) || typeof(TVec) == typeof(Pair<Quad<WScalar<T>, T>, T>))
        {
            sums.Max = ScalarRowMaximum<T, TVec>(ref x, classes);
            ScalarLongRowSums<T, TVec, TSoft, TWeights>(ref x, ref t, ref w, ref g, in k, ref sums);
            return;
        }
        sums.Max = RowMaximum<T, TVec>(ref x, classes);
        TVec m = TVec.Create(sums.Max);

        // Flags in locals: read through `k` they would be reloaded after every store to the gradient row.
        bool writes = k.WritesGradient;
        // Per part p (rotating: the current part's in the first of each): Σ e in T over groups of 16 chunks
        // (e0…e3), each group's sum then added to double lanes (low, high per part): a float sum over millions of
        // classes would drift (8e-5 at 4M), and widening every vector cost a fifth of the loop's time. Then Σ t,
        // Σ t·gap or Σ w·gap, Σ gap.
        TVec e0 = zero, e1 = zero, e2 = zero, e3 = zero;
        TVec t0 = zero, t1 = zero, t2 = zero, t3 = zero;
        TVec w0 = zero, w1 = zero, w2 = zero, w3 = zero;
        TVec p0 = zero, p1 = zero, p2 = zero, p3 = zero;
        TVec lo0 = zero, hi0 = zero, lo1 = zero, hi1 = zero, lo2 = zero, hi2 = zero, lo3 = zero, hi3 = zero;
        TVec sigma = TVec.Create(k.GapScale), mScaled = m * sigma;
        Span<T> tailExponentials = stackalloc T[16];
        if (hasTail)
        {
            // The last, partial chunk first (read ending at the row's end; lanes before the tail's start belong
            // to the last full chunk and are masked out of the sums), so that no call follows the main loop and
            // its sums stay in registers. Its exponentials are stored after the loop: in place, the loop
            // overwrites the logits, and the overlapping lanes get the same bits from both.
            for (int p = 0; p < lanes; p += TVec.Count)
            {
                nuint offset = (nuint)(tailStart + p);
                TVec valid = TVec.LaneMask(tailFrom - p, lanes - p);
                TVec xv = TVec.Load(ref x, offset);
                // Inlined on the 512- and 256-bit paths (one or two vectors, inside the JIT's budget: a call with its
                // 64-byte arguments and result in memory took 4% of cross-entropy 256x1000); a call elsewhere.
                TVec tailE = typeof(TVec) == typeof(W512<T>) || typeof(TVec) == typeof(W256<T>)
                    ? VMath.ExpSoftmax<TVec, T>(xv - m)
                    : TailExponential<T, TVec>(ref x, offset, m, sums.Max);
                TVec.Store(tailE, ref tailExponentials[0], (nuint)p);
                AddChunk<T, TVec, TSoft, TWeights>(ref e0, ref t0, ref w0, ref p0, TVec.Select(valid, tailE, zero),
                    TVec.Select(valid, mScaled - xv * sigma, zero), ref t, ref w, offset, secondSum, masked: true, valid);
                Rotate<T, TVec>(ref e0, ref e1, ref e2, ref e3);
                Rotate<T, TVec>(ref t0, ref t1, ref t2, ref t3);
                Rotate<T, TVec>(ref w0, ref w1, ref w2, ref w3);
                Rotate<T, TVec>(ref p0, ref p1, ref p2, ref p3);
            }
        }
        // Each vector's logits are loaded one iteration ahead, before the previous vector's exponentials are
        // stored: with the gradient just above the logits in memory (arrays allocated one after the other), a
        // store would otherwise match the next load in the low 12 address bits and stall it (4K aliasing).
        nuint group = 16 * (nuint)parts;
        TVec xNext = TVec.Load(ref x, 0);
        for (nuint v = 0; v < vectors; v++)
        {
            nuint offset = v * width;
            TVec xv = xNext;
            xNext = TVec.Load(ref x, v + 1 < vectors ? offset + width : offset);
            // The next row's maximum pass would otherwise wait for it from L3 or memory: ask for it now, while
            // this loop is busy with arithmetic (prefetches never fault; past the last row they are ignored).
            Prefetch.Read(ref Unsafe.Add(ref x, offset + (nuint)classes));
            // Without FMA hardware (the SSE path) the exponential's emulated steps are deferred in the loop (no call per
            // vector, as ExpSoftmax's would be there). Tested in place, so that the JIT reads only the branch the path runs.
            TVec e = typeof(TVec) == typeof(W128<float>) && !Fma.IsSupported && !AdvSimd.IsSupported
                ? VMath.ExpSoftmaxInlined<TVec, T>(xv - m)
                : VMath.ExpSoftmax<TVec, T>(xv - m);
            // The gaps only where they are summed: computed and dropped, they cost the loop a fifth of its speed.
            TVec gap = secondSum ? mScaled - xv * sigma : zero;
            AddChunk<T, TVec, TSoft, TWeights>(ref e0, ref t0, ref w0, ref p0, e, gap, ref t, ref w, offset, secondSum);
            if (writes)
            {
                TVec.Store(e, ref g, offset);
            }
            Rotate<T, TVec>(ref e0, ref e1, ref e2, ref e3);
            if (secondSum)
            {
                Rotate<T, TVec>(ref t0, ref t1, ref t2, ref t3);
                Rotate<T, TVec>(ref w0, ref w1, ref w2, ref w3);
                Rotate<T, TVec>(ref p0, ref p1, ref p2, ref p3);
            }
            if ((v + 1) % group == 0)
            {
                Flush<T, TVec>(ref e0, ref e1, ref e2, ref e3, ref lo0, ref hi0, ref lo1, ref hi1, ref lo2, ref hi2, ref lo3, ref hi3);
            }
        }
        Flush<T, TVec>(ref e0, ref e1, ref e2, ref e3, ref lo0, ref hi0, ref lo1, ref hi1, ref lo2, ref hi2, ref lo3, ref hi3);
        if (hasTail && writes)
        {
            for (int p = 0; p < lanes; p += TVec.Count)
            {
                TVec.Store(TVec.Load(ref tailExponentials[0], (nuint)p), ref g, (nuint)(tailStart + p));
            }
        }
        Span<double> laneSums = stackalloc double[16];
        TVec.StoreAccumulator(lo0, hi0, laneSums);
        if (64 / Unsafe.SizeOf<TVec>() > 1)
        {
            TVec.StoreAccumulator(lo1, hi1, laneSums[TVec.Count..]);
        }
        if (64 / Unsafe.SizeOf<TVec>() > 2)
        {
            TVec.StoreAccumulator(lo2, hi2, laneSums[(2 * TVec.Count)..]);
            TVec.StoreAccumulator(lo3, hi3, laneSums[(3 * TVec.Count)..]);
        }
        sums.Sum = PointwiseDriver.CanonicalSum(laneSums.Slice(0, lanes));
        if (TSoft.Value)
        {
            sums.TargetSum = SumParts<T, TVec>(t0, t1, t2, t3);
        }
        if (secondSum)
        {
            sums.Weighted = SumParts<T, TVec>(w0, w1, w2, w3);
            sums.Plain = TSoft.Value && smoothing ? SumParts<T, TVec>(p0, p1, p2, p3) : Constant.Of<T>(0.0);
        }
    }

    /// <summary>
    /// A row's maximum, from −MaxFinite (NaN and −∞ never taken), on the path's vectors: exact, so four running maxima
    /// (vector v into v mod 4) give the same value as one, with a quarter of the dependent steps. The last partial chunk
    /// is read ending at the row's end, its lanes already counted masked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T RowMaximum<T, TVec>(ref T x, int classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
    {
        int lanes = Lanes<T>();
        int parts = Parts<T, TVec>();
        nuint width = (nuint)TVec.Count;
        int full = classes / lanes;
        int tailStart = classes - lanes;
        int tailFrom = full * lanes - tailStart;
        nuint vectors = (nuint)(full * parts);
        TVec negInf = TVec.CreateConstant(double.NegativeInfinity);
        TVec mv = TVec.Create(-Lane.MaxFinite<T>());
        TVec m1 = mv, m2 = mv, m3 = mv;
        nuint v4 = 0;
        for (; v4 + 4 <= vectors; v4 += 4)
        {
            mv = TVec.MaxSelect(TVec.Load(ref x, v4 * width), mv);
            m1 = TVec.MaxSelect(TVec.Load(ref x, (v4 + 1) * width), m1);
            m2 = TVec.MaxSelect(TVec.Load(ref x, (v4 + 2) * width), m2);
            m3 = TVec.MaxSelect(TVec.Load(ref x, (v4 + 3) * width), m3);
        }
        for (; v4 < vectors; v4++)
        {
            mv = TVec.MaxSelect(TVec.Load(ref x, v4 * width), mv);
        }
        if (classes % lanes != 0)
        {
            for (int p = 0; p < lanes; p += TVec.Count)
            {
                mv = TVec.MaxSelect(TVec.Select(TVec.LaneMask(tailFrom - p, lanes - p), TVec.Load(ref x, (nuint)(tailStart + p)), negInf), mv);
            }
        }
        mv = TVec.MaxSelect(TVec.MaxSelect(m2, mv), TVec.MaxSelect(m3, m1));
        return TVec.ReduceMax(mv);
    }

    /// <summary>
    /// <see cref="RowMaximum"/> on the scalar path: one running maximum over the elements, the same value (a maximum is
    /// exact, and equal non-zero floats have the same bits), except that which of +0 and −0 the lane tree keeps
    /// depends on its order: a maximum of zero is taken again in the logical vector's lanes (<see cref="RowMaximum"/>).
    /// The emulated 16-lane vector's running maxima cost a seventh of the scalar path's cross-entropy.
    /// </summary>
    private static T ScalarRowMaximum<T, TVec>(ref T x, int classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
    {
        T m0 = -Lane.MaxFinite<T>(), m1 = m0;
        nuint c = 0, n = (nuint)classes;
        for (; c + 2 <= n; c += 2)
        {
            T a = Unsafe.Add(ref x, c), b = Unsafe.Add(ref x, c + 1);
            m0 = a > m0 ? a : m0;
            m1 = b > m1 ? b : m1;
        }
        if (c < n)
        {
            T a = Unsafe.Add(ref x, c);
            m0 = a > m0 ? a : m0;
        }
        T max = m1 > m0 ? m1 : m0;
        return max == T.Zero ? LaneMaximum<T, TVec>(ref x, classes) : max;
    }

    /// <summary><see cref="RowMaximum"/> in a method of its own (the scalar path's rare maximum of zero).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T LaneMaximum<T, TVec>(ref T x, int classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        => RowMaximum<T, TVec>(ref x, classes);

    /// <summary>Moves each part's sums one place on (the next part's become the first): register moves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rotate<T, TVec>(ref TVec s0, ref TVec s1, ref TVec s2, ref TVec s3)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
    {
        // Parts tested in place (64 bytes over the vector's size), so that the JIT reads only the path's own branch
        // (see PointwiseDriver.CheapBlocks).
        if (64 / Unsafe.SizeOf<TVec>() == 2)
        {
            (s0, s1) = (s1, s0);
        }
        else if (64 / Unsafe.SizeOf<TVec>() == 4)
        {
            (s0, s1, s2, s3) = (s1, s2, s3, s0);
        }
    }

    /// <summary>Adds each part's group sum of exponentials to its double lanes and starts the next group (at a chunk boundary: part p in the p-th).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Flush<T, TVec>(ref TVec e0, ref TVec e1, ref TVec e2, ref TVec e3,
        ref TVec lo0, ref TVec hi0, ref TVec lo1, ref TVec hi1, ref TVec lo2, ref TVec hi2, ref TVec lo3, ref TVec hi3)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
    {
        TVec zero = TVec.CreateConstant(0.0);
        TVec.Accumulate(ref lo0, ref hi0, e0);
        e0 = zero;
        if (64 / Unsafe.SizeOf<TVec>() > 1)
        {
            TVec.Accumulate(ref lo1, ref hi1, e1);
            e1 = zero;
        }
        if (64 / Unsafe.SizeOf<TVec>() > 2)
        {
            TVec.Accumulate(ref lo2, ref hi2, e2);
            TVec.Accumulate(ref lo3, ref hi3, e3);
            e2 = zero;
            e3 = zero;
        }
    }

    /// <summary>
    /// Adds a vector's e^(x − max) and scaled gap (max − x)·σ (both already zero in lanes not to count) to its part's
    /// sums: Σ e, Σ t (soft targets), Σ t·gap or Σ w·gap or Σ gap (<paramref name="weighted"/>), Σ gap (<paramref name="plain"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddChunk<T, TVec, TSoft, TWeights>(ref TVec exponentials, ref TVec targets, ref TVec weighted, ref TVec plain,
        TVec e, TVec gap, ref T t, ref T w, nuint offset, bool secondSum, bool masked = false, TVec valid = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        // A vector of the tail chunk is masked (`valid`; a part of it may have no lane in the row at all).
        exponentials += e;
        if (TSoft.Value)
        {
            TVec tv = TVec.Load(ref t, offset);
            if (masked)
            {
                tv = TVec.Select(valid, tv, TVec.CreateConstant(0.0));
            }
            targets += tv;
            if (secondSum)
            {
                weighted += tv * gap;
                plain += gap;
            }
        }
        else if (secondSum)
        {
            weighted += TWeights.Value ? TVec.Load(ref w, offset) * gap : gap;
        }
    }

    /// <summary>e^(x − max) of a vector of the row's last, partial chunk (a call of its own: one exponential per compiled method).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TVec TailExponential<T, TVec>(ref T x, nuint offset, TVec m, T max)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        => VMath.ExpSoftmax<TVec, T>(TVec.Load(ref x, offset) - m);

    /// <summary>Pass 3 of a long row: turns the stored e^(x − max) into the gradient e·K − B, a vector of the path at a time.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LongRowGradient<T, TVec, TSoft, TWeights>(ref T t, ref T w, ref T g, double wy, double zCoefficient, scoped in RowConstants<T> k, scoped in RowSums<T> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        if (typeof(TVec) == typeof(Quad<Quad<WScalar<T>, T>, T>) || typeof(TVec) == typeof(Pair<Quad<WScalar<T>, T>, T>)) // the scalar path (see LongRowMaximumAndSum)
        {
            GetGradientConstants<T, WScalar<T>, TSoft>(sums.Sum, sums.TargetSum, wy, zCoefficient, in k, out WScalar<T> ks, out WScalar<T> bs);
            ScalarLongRowGradient<T, TSoft, TWeights>(ref t, ref w, ref g, in k, ks, bs);
            return;
        }
        int classes = k.Classes;
        int lanes = Lanes<T>();
        nuint width = (nuint)TVec.Count;
        int full = classes / lanes;
        int tailStart = classes - lanes;
        int tailFrom = full * lanes - tailStart;
        bool hasTail = classes % lanes != 0;
        GetGradientConstants<T, TVec, TSoft>(sums.Sum, sums.TargetSum, wy, zCoefficient, in k, out TVec kv, out TVec bv);
        nuint end = (nuint)(full * lanes);
        for (nuint offset = 0; offset < end; offset += width)
        {
            TVec tv = TSoft.Value ? TVec.Load(ref t, offset) : default;
            TVec stored = TVec.Load(ref g, offset);
            TVec.Store(TVec.MultiplyAdd(stored, kv, -Offset<T, TVec, TSoft, TWeights>(ref t, ref w, offset, tv, bv, in k)), ref g, offset);
        }
        if (hasTail)
        {
            for (int p = 0; p < lanes; p += TVec.Count)
            {
                nuint offset = (nuint)(tailStart + p);
                TVec tv = TSoft.Value ? TVec.Load(ref t, offset) : default;
                TVec stored = TVec.Load(ref g, offset);
                TVec gv = TVec.MultiplyAdd(stored, kv, -Offset<T, TVec, TSoft, TWeights>(ref t, ref w, offset, tv, bv, in k));
                // Lanes before the tail's start are already gradients: keep them.
                TVec.Store(TVec.Select(TVec.LaneMask(tailFrom - p, lanes - p), gv, stored), ref g, offset);
            }
        }
    }

    /// <summary>
    /// Pass 2 of a long row on the scalar path, one or four elements at a time: the sums of <see cref="LongRowMaximumAndSum"/>
    /// with the same lanes in the same order (element c of a full chunk in lane c mod L, the tail chunk's first, each
    /// lane's Σ e in T over groups of 16 chunks, then into its double lane; the other sums in T), its L lanes in a
    /// small buffer. The logical vector emulated with 16 single lanes spent half its time in calls (its exponential
    /// took the JIT's limit of locals); with the emulated steps deferred (no call at each), four lanes fit.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void ScalarLongRowSums<T, TVec, TSoft, TWeights>(ref T x, ref T t, ref T w, ref T g, scoped in RowConstants<T> k, ref RowSums<T> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        int classes = k.Classes;
        int lanes = Lanes<T>();
        int full = classes / lanes;
        int tailStart = classes - lanes;
        int tailFrom = full * lanes - tailStart;
        bool secondSum = TSoft.Value || k.Smoothing != 0;
        bool writes = k.WritesGradient;
        T max = sums.Max, sigma = k.GapScale, maxScaled = max * sigma;
        // Per lane: Σ e of the current group (T), Σ e (double), Σ t, Σ t·gap or Σ w·gap or Σ gap, Σ gap (T).
        Span<T> exponentials = stackalloc T[16], targets = stackalloc T[16], weighted = stackalloc T[16], plain = stackalloc T[16];
        Span<double> laneSums = stackalloc double[16];
        exponentials.Clear(); targets.Clear(); weighted.Clear(); plain.Clear(); laneSums.Clear();
        // The tail chunk first, read ending at the row's end: its lane j is element tailStart + j, counted from lane
        // tailFrom on (the lanes before belong to the last full chunk, where their exponentials are stored). Those
        // lanes add zeros, which change nothing but a class weight's ∞·0 (NaN) in Σ w·gap.
        int tailCount = classes % lanes != 0 ? lanes - tailFrom : 0;
        for (int j = 0; j < tailFrom && tailCount > 0 && !TSoft.Value && secondSum && TWeights.Value; j++)
        {
            weighted[j] += Unsafe.Add(ref w, (nuint)(tailStart + j)) * T.Zero;
        }
        for (int i = 0; i < tailCount; i++)
        {
            int j = tailFrom + i, c = tailStart + j;
            T xc = Unsafe.Add(ref x, (nuint)c);
            T e = ScalarExpSoftmax(xc - max);
            AddElement<T, TSoft, TWeights>(j, e, secondSum ? maxScaled - xc * sigma : T.Zero, ref t, ref w, (nuint)c, secondSum, exponentials, targets, weighted, plain);
            if (writes)
            {
                Unsafe.Add(ref g, (nuint)c) = e;
            }
        }
        // Then the full chunks, element c in lane c mod L, four at a time: their exponentials as one vector of four
        // single lanes, four independent chains interleaved (one element's chain of emulated steps is latency-bound).
        // They take most of the JIT's inlining budget (AddElement and even T's operators are left calls here), but
        // measured faster than two lanes, and than the four in a call of their own.
        int group = 16 * lanes;
        for (int c = 0, end = full * lanes; c < end; c += 4)
        {
            int j = c & (lanes - 1);
            T x0 = Unsafe.Add(ref x, (nuint)c), x1 = Unsafe.Add(ref x, (nuint)c + 1), x2 = Unsafe.Add(ref x, (nuint)c + 2), x3 = Unsafe.Add(ref x, (nuint)c + 3);
            Quad<WScalar<T>, T> e = VMath.ExpSoftmaxInlined<Quad<WScalar<T>, T>, T>(
                new(new WScalar<T>(x0 - max), new WScalar<T>(x1 - max), new WScalar<T>(x2 - max), new WScalar<T>(x3 - max)));
            AddElement<T, TSoft, TWeights>(j, e.A.V, secondSum ? maxScaled - x0 * sigma : T.Zero, ref t, ref w, (nuint)c, secondSum, exponentials, targets, weighted, plain);
            AddElement<T, TSoft, TWeights>(j + 1, e.B.V, secondSum ? maxScaled - x1 * sigma : T.Zero, ref t, ref w, (nuint)c + 1, secondSum, exponentials, targets, weighted, plain);
            AddElement<T, TSoft, TWeights>(j + 2, e.C.V, secondSum ? maxScaled - x2 * sigma : T.Zero, ref t, ref w, (nuint)c + 2, secondSum, exponentials, targets, weighted, plain);
            AddElement<T, TSoft, TWeights>(j + 3, e.D.V, secondSum ? maxScaled - x3 * sigma : T.Zero, ref t, ref w, (nuint)c + 3, secondSum, exponentials, targets, weighted, plain);
            if (writes)
            {
                Unsafe.Add(ref g, (nuint)c) = e.A.V;
                Unsafe.Add(ref g, (nuint)c + 1) = e.B.V;
                Unsafe.Add(ref g, (nuint)c + 2) = e.C.V;
                Unsafe.Add(ref g, (nuint)c + 3) = e.D.V;
            }
            if ((c + 4) % group == 0)
            {
                FlushLanes(exponentials.Slice(0, lanes), laneSums);
            }
        }
        FlushLanes(exponentials.Slice(0, lanes), laneSums);
        sums.Sum = PointwiseDriver.CanonicalSum(laneSums.Slice(0, lanes));
        if (TSoft.Value)
        {
            sums.TargetSum = ReduceLanes<T, TVec>(targets);
        }
        if (secondSum)
        {
            sums.Weighted = ReduceLanes<T, TVec>(weighted);
            sums.Plain = TSoft.Value && k.Smoothing != 0 ? ReduceLanes<T, TVec>(plain) : Constant.Of<T>(0.0);
        }
    }

    /// <summary>The softmax exponential of one element on the scalar path (a call of its own: the tail's few elements).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T ScalarExpSoftmax<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => VMath.ExpSoftmax<WScalar<T>, T>(new WScalar<T>(x)).V;

    /// <summary>One element's share of <see cref="AddChunk"/>, in lane <paramref name="j"/> of the buffers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddElement<T, TSoft, TWeights>(int j, T e, T gap, ref T t, ref T w, nuint c, bool secondSum,
        Span<T> exponentials, Span<T> targets, Span<T> weighted, Span<T> plain)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        exponentials[j] += e;
        if (TSoft.Value)
        {
            T tc = Unsafe.Add(ref t, c);
            targets[j] += tc;
            if (secondSum)
            {
                weighted[j] += tc * gap;
                plain[j] += gap;
            }
        }
        else if (secondSum)
        {
            weighted[j] += TWeights.Value ? Unsafe.Add(ref w, c) * gap : gap;
        }
    }

    /// <summary>Each lane's group sum into its double lane (as <see cref="IVec{TSelf, T}.Accumulate"/>), and the next group from zero.</summary>
    private static void FlushLanes<T>(Span<T> exponentials, Span<double> laneSums) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int j = 0; j < exponentials.Length; j++)
        {
            laneSums[j] += Constant.ToDouble(exponentials[j]);
            exponentials[j] = T.Zero;
        }
    }

    /// <summary>The lanes' sum in the logical vector's own halving tree (<see cref="SumParts"/> of the scalar path's vector).</summary>
    private static T ReduceLanes<T, TVec>(Span<T> lanes) where T : unmanaged, IBinaryFloatingPointIeee754<T> where TVec : struct, IVec<TVec, T>
        => TVec.ReduceSum(TVec.Load(ref MemoryMarshal.GetReference(lanes), 0));

    /// <summary>Pass 3 of a long row on the scalar path, one element at a time: the stored e^(x − max) into e·K − B (<see cref="LongRowGradient"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ScalarLongRowGradient<T, TSoft, TWeights>(ref T t, ref T w, ref T g, scoped in RowConstants<T> k, WScalar<T> kv, WScalar<T> bv)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        // Each step deferred (WScalar.MultiplyAddDeferred: no test and call in the loop), and an element whose step may
        // differ from the fused bits computed again exactly (rare).
        for (nuint c = 0; c < (nuint)k.Classes; c++)
        {
            WScalar<T> tv = TSoft.Value ? new(Unsafe.Add(ref t, c)) : default;
            WScalar<T> offset = -Offset<T, WScalar<T>, TSoft, TWeights>(ref t, ref w, c, tv, bv, in k);
            WScalar<T> e = new(Unsafe.Add(ref g, c));
            int inexact = 0;
            WScalar<T> gradient = WScalar<T>.MultiplyAddDeferred(e, kv, offset, ref inexact);
            Unsafe.Add(ref g, c) = inexact == 0 ? gradient.V : ExactGradient(e, kv, offset);
        }
    }

    /// <summary>e·K − B with the exact fused step (the scalar path's rare element whose deferred step may differ).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T ExactGradient<T>(WScalar<T> e, WScalar<T> kv, WScalar<T> offset) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => WScalar<T>.MultiplyAdd(e, kv, offset).V;

    /// <summary>K (multiplies softmax) for the row, with the z-loss's 2z·w_y·lse (<paramref name="zCoefficient"/>), and the constant part of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GetGradientConstants<T, TVec, TSoft>(double sum, T targetSum, double wy, double zCoefficient, scoped in RowConstants<T> k, out TVec kv, out TVec bv)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
    {
        double eps = k.Smoothing;
        double coefficient = TSoft.Value
            ? (1 - eps) * Constant.ToDouble(targetSum) + eps
            : (1 - eps) * wy + eps / k.Classes * k.WeightTotal;
        if (k.ZLoss != 0)
        {
            coefficient += zCoefficient; // (added only with a z-loss: a w_y of −0 keeps its −0 without)
        }
        kv = TVec.Create(Constant.Of<T>(coefficient * k.Scale / sum));
        bv = TVec.Create(k.EpsOverCScaled);
    }

    /// <summary>B_c·scale: (ε/C)·w_c (labels) or (1 − ε)·t_c + ε/C (soft targets), times the scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Offset<T, TVec, TSoft, TWeights>(ref T t, ref T w, nuint offset, TVec tv, TVec epsOverCScaled, scoped in RowConstants<T> k)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        if (TSoft.Value)
        {
            return tv * TVec.Create(k.OneMinusEpsScaled) + epsOverCScaled;
        }
        return TWeights.Value ? TVec.Load(ref w, offset) * epsOverCScaled : epsOverCScaled;
    }
}
