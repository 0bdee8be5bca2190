using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>
/// An element-wise loss: per-element value, and value with gradient, over vectors of any width.
/// Implementations are small readonly structs that hold the loss's parameters.
/// </summary>
internal interface IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Whether the third input (per-element weights) is read; most operators read two.</summary>
    static virtual bool UsesWeights
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }

    /// <summary>
    /// A few instructions per vector (no exp or log): the main loop then holds four inlined copies, one per
    /// accumulator chain. An expensive operator is inlined once and the chains rotate instead, so that the
    /// JIT's inlining limits (locals, budget) are never reached.
    /// </summary>
    static virtual bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }

    /// <summary>Per-element loss of input <paramref name="x"/>, target <paramref name="y"/>, weight <paramref name="w"/>.</summary>
    TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>;

    /// <summary>Per-element loss, and its derivative with respect to <paramref name="x"/> times <paramref name="scale"/>.</summary>
    TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>;
}

/// <summary>What a pass of <see cref="PointwiseDriver"/> produces.</summary>
internal interface IPassMode
{
    /// <summary>Sum the per-element losses.</summary>
    static abstract bool Accumulates { get; }
    /// <summary>Write the gradient to the output.</summary>
    static abstract bool WritesGradient { get; }
    /// <summary>Write something (gradient or per-element loss) to the output.</summary>
    static abstract bool WritesOutput { get; }
}

/// <summary>Reduce only.</summary>
internal readonly struct ValueMode : IPassMode
{
    public static bool Accumulates
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }
    public static bool WritesGradient
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }
    public static bool WritesOutput
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }
}

/// <summary>Reduce and write the gradient, in one pass.</summary>
internal readonly struct FusedMode : IPassMode
{
    public static bool Accumulates
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }
    public static bool WritesGradient
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }
    public static bool WritesOutput
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }
}

/// <summary>Write per-element losses, no reduction.</summary>
internal readonly struct PerElementMode : IPassMode
{
    public static bool Accumulates
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }
    public static bool WritesGradient
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }
    public static bool WritesOutput
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }
}

/// <summary>
/// The one loop behind every element-wise loss.
/// </summary>
/// <remarks>
/// <para>Order of summation, fixed by the library and not by the hardware or the address: the data is
/// cut into chunks of 64 bytes (L = 16 floats or 8 doubles). Element i's term goes to the double
/// accumulator (i mod L, ⌊i/L⌋ mod 4) and each accumulator adds its terms in increasing i; the 4·L
/// accumulators are then summed in a fixed tree (<see cref="CanonicalSum"/>). Every width emulates exactly
/// this: a narrower vector type is paired up to L lanes (<see cref="Pair{TLow, T}"/>).</para>
/// <para>Alignment: for long inputs the loop starts after the h elements that bring the output (or the
/// first input) to a 64-byte boundary, so that full-width loads and stores do not split cache lines. The
/// first h elements are treated as chunk −1 (lanes L−h…L−1), so lane j of the physical accumulator a then
/// holds the canonical accumulator ((h + j) mod L, (a + [h + j ≥ L]) mod 4), and
/// <see cref="CanonicalSum"/> maps it back: the result does not depend on where the data sits.</para>
/// <para>Head and tail go through the same vector code on a zero-padded 64-byte copy; lanes outside the
/// data add −0.0, the identity of IEEE addition, and their outputs are never copied out. Float terms are
/// widened to double before they are added, which keeps a sum of 16M floats within about 1e-7 relative.</para>
/// </remarks>
internal static class PointwiseDriver
{
    /// <summary>Inputs shorter than this are not peeled to alignment (it cannot pay off).</summary>
    internal const int PeelThreshold = 512;

    /// <summary>Independent accumulator chains: enough to hide the latency of a double add.</summary>
    internal const int ChainCount = 4;

    public static double Run<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, nuint n, in TOp op, T gradientScale, int forcedHead = -1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        nuint lanes = (nuint)TVec.Count;
        TVec scale = TVec.Create(gradientScale);

        nuint head = forcedHead >= 0 ? (nuint)Math.Min(forcedHead, TVec.Count - 1) : 0;
        if (forcedHead < 0 && n >= PeelThreshold)
        {
            head = TMode.WritesOutput ? ElementsToAlignment(ref output, lanes) : ElementsToAlignment(ref x, lanes);
        }
        if (head > n)
        {
            head = 0;
        }
        nuint full = (n - head) / lanes;
        nuint end = head + full * lanes;
        nuint rest = n - end;

        // Head and tail first, before any accumulator is live: no vector register survives a call on x64.
        TVec headTerms = head != 0 ? Partial<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, 0, head, (int)(lanes - head), in op, scale) : default;
        TVec tailTerms = rest != 0 ? Partial<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, end, rest, 0, in op, scale) : default;

        Chains<TVec> chains = default;
        if (TMode.Accumulates && head != 0)
        {
            TVec.Accumulate(ref chains.Low3, ref chains.High3, headTerms); // chunk −1
        }
        if (full != 0)
        {
            if (TOp.Cheap)
            {
                UnrolledLoop<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, head, full, in op, scale, ref chains);
            }
            else if (TVec.IsPair)
            {
                RotatingLoopByHalves<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, head, full, in op, gradientScale, ref chains);
            }
            else
            {
                RotatingLoop<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, head, full, in op, gradientScale, ref chains);
            }
        }
        if (!TMode.Accumulates)
        {
            return 0;
        }
        if (rest != 0)
        {
            switch (full & 3) // the tail is chunk number `full`
            {
                case 0: TVec.Accumulate(ref chains.Low0, ref chains.High0, tailTerms); break;
                case 1: TVec.Accumulate(ref chains.Low1, ref chains.High1, tailTerms); break;
                case 2: TVec.Accumulate(ref chains.Low2, ref chains.High2, tailTerms); break;
                default: TVec.Accumulate(ref chains.Low3, ref chains.High3, tailTerms); break;
            }
        }
        Span<double> physical = stackalloc double[ChainCount * 16];
        int l = TVec.Count;
        TVec.StoreAccumulator(chains.Low0, chains.High0, physical.Slice(0, l));
        TVec.StoreAccumulator(chains.Low1, chains.High1, physical.Slice(l, l));
        TVec.StoreAccumulator(chains.Low2, chains.High2, physical.Slice(2 * l, l));
        TVec.StoreAccumulator(chains.Low3, chains.High3, physical.Slice(3 * l, l));
        return CanonicalSum(physical.Slice(0, ChainCount * l), l, (int)head);
    }

    /// <summary>The four accumulator chains (double bits in vectors of T).</summary>
    internal struct Chains<TVec> where TVec : struct
    {
        public TVec Low0, High0, Low1, High1, Low2, High2, Low3, High3;
    }

    /// <summary>All full chunks from <paramref name="start"/>, chunk k adding to chain k mod 4: four inlined copies of a cheap operator.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UnrolledLoop<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, nuint start, nuint chunks, in TOp op, TVec scale, ref Chains<TVec> chains)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        nuint lanes = (nuint)TVec.Count;
        TVec lo0 = chains.Low0, hi0 = chains.High0, lo1 = chains.Low1, hi1 = chains.High1;
        TVec lo2 = chains.Low2, hi2 = chains.High2, lo3 = chains.Low3, hi3 = chains.High3;
        nuint i = start;
        nuint end = start + chunks * lanes;
        nuint end4 = start + (chunks & ~(nuint)3) * lanes;
        if (i < end4)
        {
            // Every load of an iteration, and the first of the next, comes before its stores: an output
            // just above an input in memory (arrays allocated one after the other) would otherwise match
            // the next load in the low 12 address bits and stall it (4K aliasing).
            Inputs<T, TVec, TOp> next = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i);
            for (; i < end4; i += 4 * lanes)
            {
                Inputs<T, TVec, TOp> a = next;
                Inputs<T, TVec, TOp> b = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i + lanes);
                Inputs<T, TVec, TOp> c = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i + 2 * lanes);
                Inputs<T, TVec, TOp> d = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i + 3 * lanes);
                next = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i + 4 * lanes < end4 ? i + 4 * lanes : i);
                ChunkFrom<T, TVec, TOp, TMode>(a, ref output, i, in op, scale, ref lo0, ref hi0);
                ChunkFrom<T, TVec, TOp, TMode>(b, ref output, i + lanes, in op, scale, ref lo1, ref hi1);
                ChunkFrom<T, TVec, TOp, TMode>(c, ref output, i + 2 * lanes, in op, scale, ref lo2, ref hi2);
                ChunkFrom<T, TVec, TOp, TMode>(d, ref output, i + 3 * lanes, in op, scale, ref lo3, ref hi3);
            }
        }
        if (i < end)
        {
            Chunk<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, i, in op, scale, ref lo0, ref hi0);
            i += lanes;
            if (i < end)
            {
                Chunk<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, i, in op, scale, ref lo1, ref hi1);
                i += lanes;
                if (i < end)
                {
                    Chunk<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, i, in op, scale, ref lo2, ref hi2);
                }
            }
        }
        chains.Low0 = lo0; chains.High0 = hi0; chains.Low1 = lo1; chains.High1 = hi1;
        chains.Low2 = lo2; chains.High2 = hi2; chains.Low3 = lo3; chains.High3 = hi3;
    }

    /// <summary>
    /// The same for an expensive operator: one inlined copy, the chains rotating so that lo0/hi0 always
    /// hold chain (k mod 4). The operator's own latency hides the adds'.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RotatingLoop<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, nuint start, nuint chunks, in TOp op, T scale, ref Chains<TVec> chains)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        nuint lanes = (nuint)TVec.Count;
        TVec lo0 = chains.Low0, hi0 = chains.High0, lo1 = chains.Low1, hi1 = chains.High1;
        TVec lo2 = chains.Low2, hi2 = chains.High2, lo3 = chains.Low3, hi3 = chains.High3;
        nuint end = start + chunks * lanes;
        TVec scaleVector = TVec.Create(scale);
        // Each chunk's inputs are loaded an iteration ahead, before the previous chunk's store (4K aliasing,
        // see UnrolledLoop).
        Inputs<T, TVec, TOp> next = chunks != 0 ? Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, start) : default;
        for (nuint i = start; i < end; i += lanes)
        {
            Inputs<T, TVec, TOp> current = next;
            next = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i + lanes < end ? i + lanes : i);
            ChunkFrom<T, TVec, TOp, TMode>(current, ref output, i, in op, scaleVector, ref lo0, ref hi0);
            (lo0, lo1, lo2, lo3) = (lo1, lo2, lo3, lo0);
            (hi0, hi1, hi2, hi3) = (hi1, hi2, hi3, hi0);
        }
        // After `chunks` rotations lo0 holds chain (chunks mod 4): rotate on to chain 0.
        for (nuint r = (4 - (chunks & 3)) & 3; r > 0; r--)
        {
            (lo0, lo1, lo2, lo3) = (lo1, lo2, lo3, lo0);
            (hi0, hi1, hi2, hi3) = (hi1, hi2, hi3, hi0);
        }
        chains.Low0 = lo0; chains.High0 = hi0; chains.Low1 = lo1; chains.High1 = hi1;
        chains.Low2 = lo2; chains.High2 = hi2; chains.Low3 = lo3; chains.High3 = hi3;
    }

    /// <summary>
    /// <see cref="RotatingLoop"/> for a pair of narrower vectors: each half is compiled and run apart
    /// (<see cref="IVec{TSelf, T}.Evaluate"/>), so that the operator's code for the narrow type stays within
    /// the JIT's limits instead of spilling (the AVX2 path of BCE with logits ran five times faster so).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RotatingLoopByHalves<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, nuint start, nuint chunks, in TOp op, T scale, ref Chains<TVec> chains)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        nuint lanes = (nuint)TVec.Count;
        TVec lo0 = chains.Low0, hi0 = chains.High0, lo1 = chains.Low1, hi1 = chains.High1;
        TVec lo2 = chains.Low2, hi2 = chains.High2, lo3 = chains.Low3, hi3 = chains.High3;
        nuint end = start + chunks * lanes;
        ChunkEvaluator<T, TOp, TMode> evaluator = new(ref x, ref y, ref w, ref output, op, scale);
        for (nuint i = start; i < end; i += lanes)
        {
            TVec terms = TVec.Evaluate(ref evaluator, i);
            if (TMode.Accumulates)
            {
                TVec.Accumulate(ref lo0, ref hi0, terms);
            }
            (lo0, lo1, lo2, lo3) = (lo1, lo2, lo3, lo0);
            (hi0, hi1, hi2, hi3) = (hi1, hi2, hi3, hi0);
        }
        // After `chunks` rotations lo0 holds chain (chunks mod 4): rotate on to chain 0.
        for (nuint r = (4 - (chunks & 3)) & 3; r > 0; r--)
        {
            (lo0, lo1, lo2, lo3) = (lo1, lo2, lo3, lo0);
            (hi0, hi1, hi2, hi3) = (hi1, hi2, hi3, hi0);
        }
        chains.Low0 = lo0; chains.High0 = hi0; chains.Low1 = lo1; chains.High1 = hi1;
        chains.Low2 = lo2; chains.High2 = hi2; chains.Low3 = lo3; chains.High3 = hi3;
    }

    /// <summary>One chunk of an expensive operator: loads, computes, stores the output, returns the terms.</summary>
    private ref struct ChunkEvaluator<T, TOp, TMode> : IEvaluator<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        private readonly ref T _x, _y, _w, _output;
        private readonly TOp _op;
        private readonly T _scale;

        public ChunkEvaluator(ref T x, ref T y, ref T w, ref T output, TOp op, T scale)
        {
            _x = ref x;
            _y = ref y;
            _w = ref w;
            _output = ref output;
            _op = op;
            _scale = scale;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly TV Run<TV>(nuint index) where TV : struct, IVec<TV, T>
        {
            TV xv = TV.Load(ref _x, index);
            TV yv = TV.Load(ref _y, index);
            TV wv = TOp.UsesWeights ? TV.Load(ref _w, index) : default;
            if (TMode.WritesGradient)
            {
                TV terms = _op.ValueAndGradient(xv, yv, wv, TV.Create(_scale), out TV gradient);
                TV.Store(gradient, ref _output, index);
                return terms;
            }
            TV value = _op.Value(xv, yv, wv);
            if (!TMode.Accumulates)
            {
                TV.Store(value, ref _output, index);
            }
            return value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chunk<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, nuint i, in TOp op, TVec scale, ref TVec lo, ref TVec hi)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        Inputs<T, TVec, TOp> inputs = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i);
        ChunkFrom<T, TVec, TOp, TMode>(inputs, ref output, i, in op, scale, ref lo, ref hi);
    }

    /// <summary>A chunk's inputs, loaded ahead of the previous chunk's store (see <see cref="RotatingLoop"/>).</summary>
    private struct Inputs<T, TVec, TOp>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
    {
        public TVec X, Y, W;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Inputs<T, TVec, TOp> Load(ref T x, ref T y, ref T w, nuint i)
        {
            Inputs<T, TVec, TOp> inputs;
            inputs.X = TVec.Load(ref x, i);
            inputs.Y = TVec.Load(ref y, i);
            inputs.W = TOp.UsesWeights ? TVec.Load(ref w, i) : default;
            return inputs;
        }
    }

    /// <summary>One chunk from inputs already loaded: its terms into (lo, hi), its outputs at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ChunkFrom<T, TVec, TOp, TMode>(Inputs<T, TVec, TOp> inputs, ref T output, nuint i, in TOp op, TVec scale, ref TVec lo, ref TVec hi)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        TVec xv = inputs.X, yv = inputs.Y, wv = inputs.W;
        if (TMode.WritesGradient)
        {
            TVec terms = op.ValueAndGradient(xv, yv, wv, scale, out TVec gradient);
            TVec.Store(gradient, ref output, i);
            TVec.Accumulate(ref lo, ref hi, terms);
        }
        else if (TMode.Accumulates)
        {
            TVec.Accumulate(ref lo, ref hi, op.Value(xv, yv, wv));
        }
        else
        {
            TVec.Store(op.Value(xv, yv, wv), ref output, i);
        }
    }

    /// <summary>
    /// Runs <paramref name="count"/> elements starting at <paramref name="start"/> through the vector code
    /// in lanes <c>[laneOffset, laneOffset + count)</c> of a zero-padded copy; returns the terms with the
    /// other lanes set to −0.0 and copies only the valid outputs back (so in-place gradients stay correct).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TVec Partial<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, nuint start, nuint count, int laneOffset, in TOp op, TVec scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        int lanes = TVec.Count;
        int c = (int)count;
        Span<T> buffer = stackalloc T[4 * 16];
        Span<T> bx = buffer.Slice(0, lanes), by = buffer.Slice(lanes, lanes), bw = buffer.Slice(2 * lanes, lanes), bo = buffer.Slice(3 * lanes, lanes);
        CopyIn(ref x, start, bx.Slice(laneOffset, c));
        CopyIn(ref y, start, by.Slice(laneOffset, c));
        if (TOp.UsesWeights)
        {
            CopyIn(ref w, start, bw.Slice(laneOffset, c));
        }
        TVec xv = TVec.Load(ref bx[0], 0), yv = TVec.Load(ref by[0], 0), wv = TVec.Load(ref bw[0], 0);
        TVec terms;
        if (TMode.WritesGradient)
        {
            terms = op.ValueAndGradient(xv, yv, wv, scale, out TVec gradient);
            TVec.Store(gradient, ref bo[0], 0);
        }
        else
        {
            terms = op.Value(xv, yv, wv);
            TVec.Store(terms, ref bo[0], 0);
        }
        if (TMode.WritesOutput)
        {
            bo.Slice(laneOffset, c).CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref Unsafe.Add(ref output, start), c));
        }
        return TVec.Select(TVec.LaneMask(laneOffset, laneOffset + c), terms, TVec.Create(Constant.Of<T>(-0.0)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyIn<T>(ref T source, nuint start, Span<T> destination)
        => System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref source, start), destination.Length).CopyTo(destination);

    /// <summary>Elements to skip until <paramref name="reference"/> + that many elements is 64-byte aligned (0 if it never is).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nuint ElementsToAlignment<T>(ref T reference, nuint lanes)
    {
        nuint address = (nuint)Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref reference);
        nuint misalignment = address & 63;
        if (misalignment == 0 || misalignment % (nuint)Unsafe.SizeOf<T>() != 0)
        {
            return 0;
        }
        return (64 - misalignment) / (nuint)Unsafe.SizeOf<T>() % lanes;
    }

    /// <summary>
    /// Maps the physical accumulators (chain a, lane j; peeled by <paramref name="head"/> elements) to the
    /// canonical ones and adds them in a fixed order: the four chains of each lane pairwise, then the lanes
    /// in a pairwise tree.
    /// </summary>
    internal static double CanonicalSum(ReadOnlySpan<double> physical, int lanes, int head)
    {
        Span<double> canonical = stackalloc double[ChainCount * 16];
        for (int a = 0; a < ChainCount; a++)
        {
            for (int j = 0; j < lanes; j++)
            {
                int s = (head + j) % lanes;
                int c = (a + (head + j >= lanes ? 1 : 0)) % ChainCount;
                canonical[c * lanes + s] = physical[a * lanes + j];
            }
        }
        Span<double> perLane = stackalloc double[16];
        for (int s = 0; s < lanes; s++)
        {
            perLane[s] = (canonical[s] + canonical[lanes + s]) + (canonical[2 * lanes + s] + canonical[3 * lanes + s]);
        }
        for (int width = lanes / 2; width >= 1; width /= 2)
        {
            for (int s = 0; s < width; s++)
            {
                perLane[s] += perLane[s + width];
            }
        }
        return perLane[0];
    }
}
