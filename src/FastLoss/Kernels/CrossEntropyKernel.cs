using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    public bool WritesGradient;
}

/// <summary>
/// Fused softmax cross-entropy, row by row, with no temporary rows.
/// </summary>
/// <remarks>
/// <para>A row of at most 64 bytes (16 floats, 8 doubles) is one vector: its maximum, e^(x − max), their sum
/// and the gradient come from that one vector. A longer row is read once for an online log-sum-exp (a running
/// maximum and sum per lane, the sum rescaled only when a lane's maximum grows) and once more to write the
/// gradient <c>softmax·K − B</c> (and to sum the label-smoothing term, which needs the maximum first).</para>
/// <para>Exponentials are taken of <c>x − max ≤ 0</c> only, so any finite logits work (TensorPrimitives' SoftMax
/// overflows above about 88). The running maximum starts at −MaxValue rather than −∞ so that −∞ logits add 0
/// instead of NaN.</para>
/// <para>Order of summation: within a row, element c goes to lane c mod L (a row's last partial chunk is read
/// ending at the row's end, lanes already counted masked out); lanes are combined in the fixed halving tree of
/// <see cref="IVec{TSelf, T}.ReduceSum"/>; rows are added in order in double. All of this depends on the shape
/// only, never on the hardware or the address.</para>
/// </remarks>
internal static class CrossEntropyKernel
{
    public static double Run<T, TVec, TSoft, TWeights>(scoped in CrossEntropyProblem<T> problem)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        int classes = problem.Classes;
        int lanes = TVec.Count;
        int rows = problem.Logits.Length / classes;
        int n = problem.Logits.Length;
        bool writesGradient = problem.WritesGradient;
        bool perRow = !problem.PerRow.IsEmpty;
        double eps = problem.Smoothing;
        double scale = problem.Scale;

        ref T logits = ref MemoryMarshal.GetReference(problem.Logits);
        ref T targets = ref MemoryMarshal.GetReference(problem.Targets);
        ref T gradient = ref MemoryMarshal.GetReference(problem.Gradient);

        // Rows shorter than a vector read a whole vector from the row's start (masking the rest); class
        // weights are then read from a zero-padded copy, and the last rows, where a vector would run past
        // the end of the data, go through a padded copy of the row.
        Span<T> scratch = stackalloc T[4 * 16];
        Span<T> paddedWeights = scratch.Slice(0, lanes);
        scoped ref T weights = ref MemoryMarshal.GetReference(problem.ClassWeights);
        if (TWeights.Value && classes < lanes)
        {
            problem.ClassWeights.CopyTo(paddedWeights);
            weights = ref paddedWeights[0];
        }
        Span<T> rowX = scratch.Slice(lanes, lanes), rowT = scratch.Slice(2 * lanes, lanes), rowG = scratch.Slice(3 * lanes, lanes);

        RowConstants<T> k = new()
        {
            Classes = classes,
            Smoothing = eps,
            Scale = scale,
            WeightTotal = problem.WeightTotal,
            EpsOverCScaled = T.CreateTruncating(eps / classes * scale),
            OneMinusEpsScaled = T.CreateTruncating((1 - eps) * scale),
            WritesGradient = writesGradient,
        };

        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int start = r * classes;
            double wy = 1;
            int label = 0;
            if (!TSoft.Value)
            {
                label = problem.Labels[r];
                if (label == problem.IgnoreIndex)
                {
                    if (writesGradient)
                    {
                        problem.Gradient.Slice(start, classes).Clear();
                    }
                    if (perRow)
                    {
                        problem.PerRow[r] = T.Zero;
                    }
                    continue;
                }
                if (TWeights.Value)
                {
                    wy = double.CreateTruncating(problem.ClassWeights[label]);
                }
            }

            double loss;
            if (classes > lanes || start + lanes <= n)
            {
                loss = Row<T, TVec, TSoft, TWeights>(
                    ref Unsafe.Add(ref logits, start), ref Unsafe.Add(ref targets, TSoft.Value ? start : 0), ref weights,
                    ref Unsafe.Add(ref gradient, writesGradient ? start : 0), label, wy, in k);
            }
            else
            {
                problem.Logits.Slice(start, classes).CopyTo(rowX);
                if (TSoft.Value)
                {
                    problem.Targets.Slice(start, classes).CopyTo(rowT);
                }
                loss = Row<T, TVec, TSoft, TWeights>(ref rowX[0], ref rowT[0], ref weights, ref rowG[0], label, wy, in k);
                if (writesGradient)
                {
                    rowG.Slice(0, classes).CopyTo(problem.Gradient.Slice(start, classes));
                }
            }
            if (perRow)
            {
                problem.PerRow[r] = T.CreateTruncating(loss);
            }
            total += loss;
        }
        return total;
    }

    /// <summary>Per-call constants of the row kernel.</summary>
    private struct RowConstants<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public int Classes;
        public double Smoothing;
        public double Scale;
        public double WeightTotal;
        public T EpsOverCScaled;      // (ε/C)·scale
        public T OneMinusEpsScaled;   // (1 − ε)·scale
        public bool WritesGradient;
    }

    /// <summary>One row: returns its loss in double and writes its gradient if asked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Row<T, TVec, TSoft, TWeights>(ref T x, ref T t, ref T w, ref T g, int label, double wy, scoped in RowConstants<T> k)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
        where TWeights : struct, IFlag
    {
        int classes = k.Classes;
        int lanes = TVec.Count;
        T negInf = T.NegativeInfinity;
        TVec floor = TVec.Create(-Lane.MaxFinite<T>());
        // The label's logit is read before the gradient may overwrite it (in place).
        double xLabel = TSoft.Value ? 0 : double.CreateTruncating(Unsafe.Add(ref x, label));
        double eps = k.Smoothing;
        bool smoothing = eps != 0;
        bool secondSum = TSoft.Value || smoothing;

        T max;
        T sum;
        T targetSum = T.Zero;
        T weighted = T.Zero;  // Σ c_c·(max − x_c): c = t (soft) or w (labels with smoothing)
        T plain = T.Zero;     // Σ (max − x_c), soft targets with smoothing

        if (classes <= lanes)
        {
            TVec valid = TVec.LaneMask(0, classes);
            TVec xv = TVec.Select(valid, TVec.Load(ref x, 0), TVec.Create(negInf));
            max = TVec.ReduceMax(TVec.Select(TVec.GreaterThan(xv, floor), xv, floor));
            TVec m = TVec.Create(max);
            TVec e = VMath.Exp<TVec, T>(xv - m);
            sum = TVec.ReduceSum(e);
            TVec tv = default;
            if (TSoft.Value)
            {
                tv = TVec.Select(valid, TVec.Load(ref t, 0), TVec.Create(T.Zero));
                targetSum = TVec.ReduceSum(tv);
            }
            TVec gap = TVec.Select(valid, m - xv, TVec.Create(T.Zero));
            if (TSoft.Value)
            {
                weighted = TVec.ReduceSum(tv * gap);
                plain = smoothing ? TVec.ReduceSum(gap) : T.Zero;
            }
            else if (smoothing)
            {
                weighted = TVec.ReduceSum(TWeights.Value ? TVec.Load(ref w, 0) * gap : gap);
            }
            if (k.WritesGradient)
            {
                GetGradientConstants<T, TVec, TSoft>(sum, targetSum, wy, in k, out TVec kv, out TVec bv);
                TVec gv = e * kv - Offset<T, TVec, TSoft, TWeights>(ref t, ref w, 0, tv, bv, in k);
                TVec.Store(TVec.Select(valid, gv, TVec.Load(ref g, 0)), ref g, 0);
            }
        }
        else
        {
            int full = classes / lanes;
            int tailStart = classes - lanes;
            TVec tailValid = TVec.LaneMask(full * lanes - tailStart, lanes);
            bool hasTail = classes % lanes != 0;

            // Pass 1: online log-sum-exp, one read of the row.
            TVec xv = TVec.Load(ref x, 0);
            TVec mv = TVec.Select(TVec.GreaterThan(xv, floor), xv, floor);
            TVec sv = VMath.Exp<TVec, T>(xv - mv);
            TVec ts = TSoft.Value ? TVec.Load(ref t, 0) : default;
            for (int c = 1; c <= full; c++)
            {
                nuint offset;
                if (c < full)
                {
                    offset = (nuint)(c * lanes);
                    xv = TVec.Load(ref x, offset);
                    if (TSoft.Value)
                    {
                        ts += TVec.Load(ref t, offset);
                    }
                }
                else if (hasTail)
                {
                    offset = (nuint)tailStart;
                    xv = TVec.Select(tailValid, TVec.Load(ref x, offset), TVec.Create(negInf));
                    if (TSoft.Value)
                    {
                        ts += TVec.Select(tailValid, TVec.Load(ref t, offset), TVec.Create(T.Zero));
                    }
                }
                else
                {
                    break;
                }
                TVec grows = TVec.GreaterThan(xv, mv);
                if (TVec.AnySet(grows))
                {
                    TVec newMax = TVec.Select(grows, xv, mv);
                    sv *= VMath.Exp<TVec, T>(mv - newMax);
                    mv = newMax;
                }
                sv += VMath.Exp<TVec, T>(xv - mv);
            }
            max = TVec.ReduceMax(mv);
            TVec m = TVec.Create(max);
            sum = TVec.ReduceSum(sv * VMath.Exp<TVec, T>(mv - m));
            if (TSoft.Value)
            {
                targetSum = TVec.ReduceSum(ts);
            }

            // Pass 2: the gradient, and the sums that need the maximum.
            if (k.WritesGradient || secondSum)
            {
                TVec kv = default, bv = default;
                if (k.WritesGradient)
                {
                    GetGradientConstants<T, TVec, TSoft>(sum, targetSum, wy, in k, out kv, out bv);
                }
                TVec weightedV = TVec.Create(T.Zero), plainV = TVec.Create(T.Zero);
                for (int c = 0; c <= full; c++)
                {
                    nuint offset;
                    bool tail = c == full;
                    if (!tail)
                    {
                        offset = (nuint)(c * lanes);
                    }
                    else if (hasTail)
                    {
                        offset = (nuint)tailStart;
                    }
                    else
                    {
                        break;
                    }
                    xv = TVec.Load(ref x, offset);
                    TVec tv = TSoft.Value ? TVec.Load(ref t, offset) : default;
                    if (secondSum)
                    {
                        TVec gap = m - xv;
                        if (tail)
                        {
                            gap = TVec.Select(tailValid, gap, TVec.Create(T.Zero));
                        }
                        if (TSoft.Value)
                        {
                            weightedV += tv * gap;
                            plainV += gap;
                        }
                        else
                        {
                            weightedV += TWeights.Value ? TVec.Load(ref w, offset) * gap : gap;
                        }
                    }
                    if (k.WritesGradient)
                    {
                        TVec gv = VMath.Exp<TVec, T>(xv - m) * kv - Offset<T, TVec, TSoft, TWeights>(ref t, ref w, offset, tv, bv, in k);
                        if (tail)
                        {
                            gv = TVec.Select(tailValid, gv, TVec.Load(ref g, offset));
                        }
                        TVec.Store(gv, ref g, offset);
                    }
                }
                weighted = TVec.ReduceSum(weightedV);
                plain = TSoft.Value && smoothing ? TVec.ReduceSum(plainV) : T.Zero;
            }
        }

        double logSum = double.CreateTruncating(VMath.Log<WScalar<double>, double>(new WScalar<double>(double.CreateTruncating(sum))).V);
        double maxD = double.CreateTruncating(max);
        if (TSoft.Value)
        {
            double targetTotal = (1 - eps) * double.CreateTruncating(targetSum) + eps;
            double gapTerm = (1 - eps) * double.CreateTruncating(weighted) + (smoothing ? eps / classes * double.CreateTruncating(plain) : 0);
            return gapTerm + targetTotal * logSum;
        }
        if (k.WritesGradient)
        {
            // The label's own −(1 − ε)·w_y, after the vector pass wrote softmax·K − B there.
            ref T gy = ref Unsafe.Add(ref g, label);
            gy -= T.CreateTruncating((1 - eps) * wy * k.Scale);
        }
        double nll = wy * ((maxD - xLabel) + logSum);
        return smoothing
            ? (1 - eps) * nll + eps / classes * (double.CreateTruncating(weighted) + k.WeightTotal * logSum)
            : nll;
    }

    /// <summary>K (multiplies softmax) for the row, and the constant part of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GetGradientConstants<T, TVec, TSoft>(T sum, T targetSum, double wy, scoped in RowConstants<T> k, out TVec kv, out TVec bv)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TSoft : struct, IFlag
    {
        double eps = k.Smoothing;
        double coefficient = TSoft.Value
            ? (1 - eps) * double.CreateTruncating(targetSum) + eps
            : (1 - eps) * wy + eps / k.Classes * k.WeightTotal;
        kv = TVec.Create(T.CreateTruncating(coefficient * k.Scale / double.CreateTruncating(sum)));
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
