using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>
    /// For an operator marked <see cref="ITwoGradientLoss"/> (which implements it; the driver calls it for no other):
    /// the loss, its derivative with respect to <paramref name="x"/> and that with respect to its second
    /// differentiable input (<c>y</c> or <c>w</c>, as the operator says), each times <paramref name="scale"/>.
    /// </summary>
    TVec ValueAndGradients<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient, out TVec secondGradient) where TVec : struct, IVec<TVec, T>
    {
        secondGradient = default;
        return ValueAndGradient(x, y, w, scale, out gradient);
    }

    /// <summary>Per-element loss, and its derivative with respect to <paramref name="x"/> times <paramref name="scale"/>.</summary>
    TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>;
}

/// <summary>
/// Marks an operator of two differentiable inputs (<see cref="IPointwiseLoss{T}.ValueAndGradients"/>): the driver then
/// writes the second gradient into its second output and skips either output that is a null reference (a gradient
/// not asked for). A type test the JIT decides while it reads a kernel, so that the other operators' kernels carry no
/// trace of the second gradient.
/// </summary>
internal interface ITwoGradientLoss;

/// <summary>
/// Marks a cheap operator (no exp or log) too large to be inlined sixteen times in one method: on a path of four
/// parts (128-bit vectors) its whole blocks go through <c>Blocks</c> (one inlined copy, the terms through a small
/// buffer) instead of <c>CheapBlocks</c> (four chunks of four parts, each its own copy), whose sixteen copies ran
/// past the JIT's inlining budget and left every vector operation of the last ones a call: 128-bit Huber 64K fused
/// 77 -> 31 us, smooth L1 81 -> 38, quantile 107 -> 37, hinge 57-73 -> 30-52, margin ranking 60-68 -> 37-38
/// (by hand, Zen 5). Squared and absolute errors and the metrics' terms fit, and stay unrolled (1.4-2x faster so).
/// The same lane operations in the same order either way: a choice of speed only.
/// </summary>
internal interface ILargeCheapLoss;

/// <summary>What a pass of <see cref="PointwiseDriver"/> produces.</summary>
internal interface IPassMode
{
    /// <summary>Sum the per-element losses.</summary>
    static abstract bool Accumulates { get; }
    /// <summary>Write the gradient to the output.</summary>
    static abstract bool WritesGradient { get; }
    /// <summary>Write something (gradient or per-element loss) to the output.</summary>
    static abstract bool WritesOutput { get; }
    /// <summary>Add the gradient to what the output holds (the later terms of an objective), rather than overwrite it.</summary>
    static virtual bool AddsToOutput
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }
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

/// <summary>Reduce, and add the gradient to the output (an objective's terms after the first).</summary>
internal readonly struct AddGradientMode : IPassMode
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
    public static bool AddsToOutput
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }
}

/// <summary>
/// The one loop behind every element-wise loss.
/// </summary>
/// <remarks>
/// <para>Order of summation, fixed by the library and not by the hardware or the address. The input is cut into
/// blocks of four 64-byte chunks (a chunk is L = 16 floats or 8 doubles, a block 4L elements from the start of the
/// data; the last block is padded with −0.0, the identity of IEEE addition). Lane j of a block adds its four
/// terms in T as (t₀ + t₁) + (t₂ + t₃), the term of chunk c being that of element
/// 4L·b + L·c + j; that block sum is added to lane j's double accumulator, blocks in order; the L lanes are then
/// added in the fixed halving tree of <see cref="CanonicalSum"/>. (Widening every term to double cost 40% of the
/// time of MSE on AVX2; a block's float sum loses nothing that matters, the sums across blocks stay in double.)
/// A float block sum that overflows to ±∞ from finite terms is taken in double instead, lane by lane
/// (<see cref="IVec{TSelf, T}.AccumulateBlock"/>); double terms are scaled by ρ = 2^−r, 2^r ≥ n, before they are added
/// (<see cref="SumScale"/>), so that neither a block nor the total overflows where the mean does not.</para>
/// <para>Each path runs on its own vectors of W lanes (512, 256 or 128 bits): a chunk is P = L/W parts, part p
/// holding lanes pW…pW+W−1 with an accumulator of its own (two vectors of doubles for float lanes). The parts are
/// separate locals, not a struct of vectors, so that the JIT keeps them in registers. The scalar path is
/// <see cref="ScalarSegment"/>, with the same lanes. Nothing depends on where the data sits: loads are unaligned
/// (peeling to a 64-byte boundary measured no faster, and would tie the blocks to the address).</para>
/// </remarks>
internal static partial class PointwiseDriver
{
    /// <summary>The library's logical width in lanes of <typeparamref name="T"/>: 64 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Lanes<T>() => 64 / Unsafe.SizeOf<T>();

    /// <summary>
    /// ρ for <paramref name="n"/> terms: 1 for float (a float sum in double cannot overflow), else 2^−r with
    /// 2^r ≥ max(n, 4), so that ρ·(any sum of up to n finite doubles) is finite. A power of two: the bits of a
    /// sum and of the mean derived from it do not change, but for terms below about 2^−990 (subnormal once scaled).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double SumScale<T>(nuint n)
        => typeof(T) == typeof(float) ? 1.0 : Math.ScaleB(1.0, -(Math.ILogB(Math.Max((double)n, 4.0) - 1) + 1));

    /// <summary>
    /// Elements in a segment: a large input is cut into segments of this many elements (the last shorter), each
    /// summed on its own from zero, and the segments' sums are added in order (<see cref="Segments"/>), whichever
    /// threads compute them. An input of at most one segment is one sum, as if there were no segments.
    /// </summary>
    internal const int SegmentLength = 1 << 16;

    /// <summary>Inputs from this many elements run on several threads (see <see cref="Parallelism"/>): less for operators with an exponential.</summary>
    internal static int ParallelThreshold<T, TOp>() where T : unmanaged, IBinaryFloatingPointIeee754<T> where TOp : struct, IPointwiseLoss<T>
        => ParallelThreshold(TOp.Cheap);

    /// <summary>As above, for an operator that is <paramref name="cheap"/> or not (an objective: cheap only if all its terms are).</summary>
    internal static int ParallelThreshold(bool cheap) => cheap ? 1 << 20 : 1 << 16;

    /// <summary>
    /// Runs the loss over n elements on vectors <typeparamref name="TVec"/> (or the scalar path) and returns the sum
    /// of its terms divided by <paramref name="divisor"/> (n for a mean, 1 for a sum), taken as (Σρt / divisor) / ρ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe double Run<T, TVec, TOp, TMode>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> w, Span<T> output, Span<T> output2, in TOp op, T gradientScale, double divisor, bool scalar)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        nuint n = (nuint)x.Length;
        double rho = SumScale<T>(n);
        T rhoT = Constant.Of<T>(rho);
        double sum;
        if (n <= SegmentLength)
        {
            sum = scalar
                ? ScalarSegment<T, TOp, TMode>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(output), ref MemoryMarshal.GetReference(output2), n, in op, gradientScale, rhoT)
                : Segment<T, TVec, TOp, TMode, No>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(output), ref MemoryMarshal.GetReference(output2), n, in op, gradientScale, rhoT);
        }
        else
        {
            // The caller's memory is pinned for the workers for the length of the call.
            fixed (T* px = x, py = y, pw = w, po = output, po2 = output2)
            {
                Job<T, TOp> job = new() { X = px, Y = py, W = pw, Output = po, Output2 = po2, Length = n, Op = op, GradientScale = gradientScale, Rho = rhoT };
                delegate*<void*, int, double> run = scalar ? &ScalarJobSegment<T, TOp, TMode> : &JobSegment<T, TVec, TOp, TMode>;
                int count = (int)((n + SegmentLength - 1) / SegmentLength);
                sum = Segments.Sum(run, Unsafe.AsPointer(ref job), count, x.Length >= ParallelThreshold<T, TOp>());
            }
        }
        return TMode.Accumulates ? sum / divisor / rho : 0;
    }

    /// <summary>One call's inputs for the segments' threads (pinned by the caller).</summary>
    private unsafe struct Job<T, TOp> where T : unmanaged
    {
        public T* X, Y, W, Output, Output2;
        public nuint Length;
        public TOp Op;
        public T GradientScale, Rho;
    }

    private static unsafe double JobSegment<T, TVec, TOp, TMode>(void* context, int index)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        ref Job<T, TOp> job = ref Unsafe.AsRef<Job<T, TOp>>(context);
        nuint start = (nuint)index * SegmentLength;
        nuint count = Math.Min(SegmentLength, job.Length - start);
        // A gradient past the caches (see StreamedBlocks) in an instantiation of its own: a call of one segment, which
        // never comes here, compiles no streamed code.
        return Streams<T, TVec, TOp, TMode>(job.Output, job.Output2, job.Length)
            ? Segment<T, TVec, TOp, TMode, Yes>(ref Offset(job.X, start), ref Offset(job.Y, start), ref Offset(job.W, start), ref Offset(job.Output, start), ref Offset(job.Output2, start), count, in job.Op, job.GradientScale, job.Rho)
            : Segment<T, TVec, TOp, TMode, No>(ref Offset(job.X, start), ref Offset(job.Y, start), ref Offset(job.W, start), ref Offset(job.Output, start), ref Offset(job.Output2, start), count, in job.Op, job.GradientScale, job.Rho);
    }

    private static unsafe double ScalarJobSegment<T, TOp, TMode>(void* context, int index)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        ref Job<T, TOp> job = ref Unsafe.AsRef<Job<T, TOp>>(context);
        nuint start = (nuint)index * SegmentLength;
        nuint count = Math.Min(SegmentLength, job.Length - start);
        return ScalarSegment<T, TOp, TMode>(ref Offset(job.X, start), ref Offset(job.Y, start), ref Offset(job.W, start), ref Offset(job.Output, start), ref Offset(job.Output2, start), count, in job.Op, job.GradientScale, job.Rho);
    }

    /// <summary>The element at <paramref name="start"/> of a pinned input, or a null reference for an unused one (never read).</summary>
    private static unsafe ref T Offset<T>(T* pointer, nuint start) where T : unmanaged
        => ref pointer == null ? ref Unsafe.NullRef<T>() : ref pointer[start];

    /// <summary>The scaled sum Σρt of one segment's terms, writing its outputs.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Segment<T, TVec, TOp, TMode, TStreams>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint n, in TOp op, T gradientScale, T rhoT)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
        where TStreams : struct, IFlag
    {
        nuint block = 4 * (nuint)Lanes<T>();
        nuint blocks = n / block;
        nuint done = blocks * block;
        Accumulators<TVec> sums = default;
        if (blocks != 0)
        {
            if (typeof(TStreams) == typeof(Yes) && typeof(TVec) == typeof(W512<T>))
            {
                StreamedBlocks<T, TVec, TOp>(ref x, ref y, ref w, ref output, blocks, in op, gradientScale, rhoT, ref sums);
            }
            else if (typeof(TStreams) == typeof(Yes) && typeof(TVec) == typeof(W256<T>) && Separate<T, TOp>(ref x, ref y, ref w, ref output, ref output2))
            {
                StreamedAddressOrderBlocks<T, TVec, TOp>(ref x, ref y, ref w, ref output, blocks, in op, gradientScale, rhoT, ref sums);
            }
            else if (Unrolled<T, TVec, TOp>())
            {
                CheapBlocks<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, blocks, in op, gradientScale, rhoT, ref sums);
            }
            else
            {
                Blocks<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, blocks, in op, gradientScale, rhoT, ref sums);
            }
        }
        if (done < n)
        {
            LastBlock<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, done, n - done, in op, gradientScale, rhoT, ref sums);
        }
        if (!TMode.Accumulates)
        {
            return 0;
        }
        Span<double> lanes = stackalloc double[16];
        Store<T, TVec>(ref sums, lanes);
        return CanonicalSum(lanes.Slice(0, Lanes<T>()));
    }

    /// <summary>
    /// The scalar path's segment: the same lane operations and the same blocks one element at a time (a cheap
    /// operator's lane's four terms straight into its block sum; otherwise, and for the last block, the terms of a
    /// block in a small buffer, then each lane's block sum), so the result has the bits of the vector paths.
    /// (Emulating the L lanes with pairs of scalars kept every intermediate in memory: 5 to 12 times slower than a
    /// plain loop.)
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ScalarSegment<T, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint n, in TOp op, T gradientScale, T rho)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        int lanes = Lanes<T>();
        Span<double> sums = stackalloc double[16];
        sums.Clear();
        Span<T> terms = stackalloc T[64];
        ScalarLoop<T, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, n, in op, gradientScale, rho, sums.Slice(0, lanes), terms.Slice(0, 4 * lanes));
        return TMode.Accumulates ? CanonicalSum(sums.Slice(0, lanes)) : 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ScalarLoop<T, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint n, in TOp op, T gradientScale, T rho, Span<double> sums, Span<T> terms)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        // The two loops in methods of their own, chosen here: a static abstract flag (TOp.Cheap) is decided only after
        // inlining, so one method with both read and inlined the cheap loop's four copies of any operator, and an
        // expensive one's own copy was left a call per element (BCE with logits: 537 inlinees, its element a call).
        nuint start = 0;
        if (TOp.Cheap && TMode.Accumulates)
        {
            start = ScalarCheapBlocks<T, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, n, in op, gradientScale, rho, sums, (nuint)terms.Length);
        }
        ScalarBlocks<T, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, start, n, in op, gradientScale, rho, sums, terms);
    }

    /// <summary>
    /// A cheap operator's whole blocks on the scalar path: each lane's four terms straight into its block sum (no buffer to
    /// store and reload them; four inlined copies of the operator). The same lane operations in the same order. Returns
    /// where the whole blocks end.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static nuint ScalarCheapBlocks<T, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint n, in TOp op, T gradientScale, T rho, Span<double> sums, nuint block)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        WScalar<T> scale = new(gradientScale);
        nuint whole = n / block * block, chunk = (nuint)sums.Length;
        ref double laneSums = ref MemoryMarshal.GetReference(sums);
        for (nuint start = 0; start < whole; start += block)
        {
            for (nuint j = 0; j < chunk; j++)
            {
                nuint i = start + j;
                T a = ScalarElement<T, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, i, in op, scale, rho);
                T b = ScalarElement<T, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, i + chunk, in op, scale, rho);
                T c = ScalarElement<T, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, i + 2 * chunk, in op, scale, rho);
                T d = ScalarElement<T, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, i + 3 * chunk, in op, scale, rho);
                Unsafe.Add(ref laneSums, j) += BlockSum(a, b, c, d);
            }
        }
        return whole;
    }

    /// <summary>The scalar path's blocks from <paramref name="start"/> on: each block's terms into a small buffer, then each lane's block sum (the last block padded with −0.0).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ScalarBlocks<T, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint start, nuint n, in TOp op, T gradientScale, T rho, Span<double> sums, Span<T> terms)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        WScalar<T> scale = new(gradientScale);
        int lanes = sums.Length;
        nuint block = (nuint)terms.Length;
        ref T t0 = ref MemoryMarshal.GetReference(terms);
        for (; start < n; start += block)
        {
            nuint count = Math.Min(block, n - start);
            for (nuint k = 0; k < count; k++)
            {
                Unsafe.Add(ref t0, k) = ScalarElement<T, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, start + k, in op, scale, rho);
            }
            if (!TMode.Accumulates)
            {
                continue;
            }
            for (nuint k = count; k < block; k++)
            {
                Unsafe.Add(ref t0, k) = Constant.Of<T>(-0.0);
            }
            for (int j = 0; j < lanes; j++)
            {
                sums[j] += BlockSum(Unsafe.Add(ref t0, j), Unsafe.Add(ref t0, lanes + j), Unsafe.Add(ref t0, 2 * lanes + j), Unsafe.Add(ref t0, 3 * lanes + j));
            }
        }
    }

    /// <summary>The scalar path's element <paramref name="i"/>: writes its outputs and returns its term (times ρ for double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T ScalarElement<T, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint i, in TOp op, WScalar<T> scale, T rho)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        WScalar<T> xv = new(Unsafe.Add(ref x, i)), yv = new(Unsafe.Add(ref y, i));
        WScalar<T> wv = TOp.UsesWeights ? new(Unsafe.Add(ref w, i)) : default;
        WScalar<T> term;
        if (TMode.WritesGradient && default(TOp) is ITwoGradientLoss)
        {
            term = op.ValueAndGradients(xv, yv, wv, scale, out WScalar<T> gradient, out WScalar<T> gradient2);
            StoreIfWanted(ref output, i, gradient.V);
            StoreIfWanted(ref output2, i, gradient2.V);
        }
        else if (TMode.WritesGradient)
        {
            term = op.ValueAndGradient(xv, yv, wv, scale, out WScalar<T> gradient);
            Unsafe.Add(ref output, i) = TMode.AddsToOutput ? Unsafe.Add(ref output, i) + gradient.V : gradient.V;
        }
        else
        {
            term = op.Value(xv, yv, wv);
            if (!TMode.Accumulates)
            {
                Unsafe.Add(ref output, i) = term.V;
            }
        }
        return typeof(T) == typeof(float) ? term.V : term.V * rho;
    }

    /// <summary>One lane's block sum, as <see cref="IVec{TSelf, T}.AccumulateBlock"/> takes it: (t₀ + t₁) + (t₂ + t₃) in T, in double where a float sum overflowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double BlockSum<T>(T t0, T t1, T t2, T t3) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T s = (t0 + t1) + (t2 + t3);
        if (typeof(T) == typeof(float) && T.IsInfinity(s))
        {
            return (Constant.ToDouble(t0) + Constant.ToDouble(t1)) + (Constant.ToDouble(t2) + Constant.ToDouble(t3));
        }
        return Constant.ToDouble(s);
    }

    /// <summary>Room for any path's <see cref="Accumulators{TVec}"/> (the widest: eight 64-byte vectors), for the terms of an objective.</summary>
    [InlineArray(64)]
    internal struct TermSums
    {
        private double _element;
    }

    /// <summary>
    /// The double accumulators of the L lanes, one (low, high) pair per part of a chunk (double bits in vectors of
    /// T, see <see cref="IVec{TSelf, T}.Accumulate"/>); parts beyond P are unused.
    /// </summary>
    internal struct Accumulators<TVec> where TVec : struct
    {
        public TVec Low0, High0, Low1, High1, Low2, High2, Low3, High3;
    }

    /// <summary>Writes the L lane sums in lane order (inlined: as a call it ran as tier-0 code for a process's first calls).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T, TVec>(ref Accumulators<TVec> sums, Span<double> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
    {
        int width = TVec.Count;
        TVec.StoreAccumulator(sums.Low0, sums.High0, destination);
        if (64 / Unsafe.SizeOf<TVec>() > 1)
        {
            TVec.StoreAccumulator(sums.Low1, sums.High1, destination[width..]);
        }
        if (64 / Unsafe.SizeOf<TVec>() > 2)
        {
            TVec.StoreAccumulator(sums.Low2, sums.High2, destination[(2 * width)..]);
            TVec.StoreAccumulator(sums.Low3, sums.High3, destination[(3 * width)..]);
        }
    }

    /// <summary>Whether whole blocks run unrolled (<see cref="CheapBlocks"/>), else one vector at a time (<see cref="Blocks"/>; see <see cref="ILargeCheapLoss"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Unrolled<T, TVec, TOp>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        => TOp.Cheap && (64 / Unsafe.SizeOf<TVec>() < 4 || default(TOp) is not ILargeCheapLoss);

    /// <summary>
    /// Whole blocks of a cheap operator (a few instructions a vector: four inlined copies), part by part: the four
    /// chunks' inputs of a part are loaded before any of its stores, so that an output just above an input in
    /// memory (arrays allocated one after the other) cannot match a pending load in the low 12 address bits and
    /// stall it (4K aliasing).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void CheapBlocks<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint blocks, in TOp op, T gradientScale, T rho, ref Accumulators<TVec> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        if (64 / Unsafe.SizeOf<TVec>() == 2 && TMode.WritesOutput && Separate<T, TOp>(ref x, ref y, ref w, ref output, ref output2))
        {
            AddressOrderBlocks<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, blocks, in op, gradientScale, rho, ref sums);
            return;
        }
        nuint width = (nuint)TVec.Count;
        nuint chunk = (nuint)Lanes<T>();
        TVec scale = TVec.Create(gradientScale), rhoV = TVec.Create(rho);
        TVec lo0 = sums.Low0, hi0 = sums.High0, lo1 = sums.Low1, hi1 = sums.High1;
        TVec lo2 = sums.Low2, hi2 = sums.High2, lo3 = sums.Low3, hi3 = sums.High3;
        nuint end = blocks * 4 * chunk;
        for (nuint i = 0; i < end; i += 4 * chunk)
        {
            // The block's own references, so that every access is one at a constant offset from them (indexed
            // from i, each took an address computation and a register copy of its own).
            ref T xb = ref Unsafe.Add(ref x, i), yb = ref Unsafe.Add(ref y, i), wb = ref TOp.UsesWeights ? ref Unsafe.Add(ref w, i) : ref w;
            ref T ob = ref At(ref output, i), o2b = ref At(ref output2, i);
            // The parts tested in place, as 64 bytes over the vector's size: the JIT decides that while it reads the
            // method, so a part the path does not have is never read. Through a local or a helper (Lanes / Count)
            // it was decided only after inlining, and W512's block compiled the terms of four parts to run one
            // (MSE's block: 210 inlinees, now 57; the same code). Likewise wherever parts are tested.
            CheapPart<T, TVec, TOp, TMode>(ref xb, ref yb, ref wb, ref ob, ref o2b, 0, chunk, in op, scale, rhoV, ref lo0, ref hi0);
            if (64 / Unsafe.SizeOf<TVec>() > 1)
            {
                CheapPart<T, TVec, TOp, TMode>(ref xb, ref yb, ref wb, ref ob, ref o2b, width, chunk, in op, scale, rhoV, ref lo1, ref hi1);
            }
            if (64 / Unsafe.SizeOf<TVec>() > 2)
            {
                CheapPart<T, TVec, TOp, TMode>(ref xb, ref yb, ref wb, ref ob, ref o2b, 2 * width, chunk, in op, scale, rhoV, ref lo2, ref hi2);
                CheapPart<T, TVec, TOp, TMode>(ref xb, ref yb, ref wb, ref ob, ref o2b, 3 * width, chunk, in op, scale, rhoV, ref lo3, ref hi3);
            }
        }
        sums.Low0 = lo0; sums.High0 = hi0; sums.Low1 = lo1; sums.High1 = hi1;
        sums.Low2 = lo2; sums.High2 = hi2; sums.Low3 = lo3; sums.High3 = hi3;
    }

    /// <summary>The reference <paramref name="i"/> elements on, or the null reference kept null (an output not asked for).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T At<T>(ref T start, nuint i) => ref Unsafe.IsNullRef(ref start) ? ref start : ref Unsafe.Add(ref start, i);

    /// <summary>One part of a block: the vectors at i, i + L, i + 2L, i + 3L.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheapPart<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint i, nuint chunk, in TOp op, TVec scale, TVec rho, ref TVec lo, ref TVec hi)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        FourTerms<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, i, i + chunk, i + 2 * chunk, i + 3 * chunk, in op, scale, rho,
            out TVec t0, out TVec t1, out TVec t2, out TVec t3);
        if (TMode.Accumulates)
        {
            TVec.AccumulateBlock(ref lo, ref hi, t0, t1, t2, t3);
        }
    }

    /// <summary>
    /// The terms of four vectors at <paramref name="i0"/> to <paramref name="i3"/> (times ρ for double sums), writing
    /// their outputs: the four vectors' inputs are all loaded before any store (see <see cref="CheapBlocks"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourTerms<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint i0, nuint i1, nuint i2, nuint i3, in TOp op, TVec scale, TVec rho,
        out TVec t0, out TVec t1, out TVec t2, out TVec t3)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        Inputs<T, TVec, TOp> a = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i0);
        Inputs<T, TVec, TOp> b = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i1);
        Inputs<T, TVec, TOp> c = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i2);
        Inputs<T, TVec, TOp> d = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i3);
        t0 = Terms<T, TVec, TOp, TMode>(a, ref output, ref output2, i0, in op, scale);
        t1 = Terms<T, TVec, TOp, TMode>(b, ref output, ref output2, i1, in op, scale);
        t2 = Terms<T, TVec, TOp, TMode>(c, ref output, ref output2, i2, in op, scale);
        t3 = Terms<T, TVec, TOp, TMode>(d, ref output, ref output2, i3, in op, scale);
        if (TMode.Accumulates && typeof(T) == typeof(double))
        {
            (t0, t1, t2, t3) = (t0 * rho, t1 * rho, t2 * rho, t3 * rho);
        }
    }

    /// <summary>Whether no output is the memory of an input (in place): <see cref="AddressOrderBlocks"/> may then read a block's inputs again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Separate<T, TOp>(ref T x, ref T y, ref T w, ref T output, ref T output2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        => Apart(ref x, ref output) && Apart(ref y, ref output) && Apart(ref x, ref output2) && Apart(ref y, ref output2)
            && (!TOp.UsesWeights || (Apart(ref w, ref output) && Apart(ref w, ref output2)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Apart<T>(ref T input, ref T output)
        => Unsafe.IsNullRef(ref input) || Unsafe.IsNullRef(ref output) || !Unsafe.AreSame(ref input, ref output);

    /// <summary>
    /// <see cref="CheapBlocks"/> on a path of two parts (256-bit vectors) when no output is an input's memory: the
    /// same terms, lanes and order of summation, but each block's vectors taken in address order (chunk 0 of both
    /// parts, then chunk 1, ...), so that consecutive stores fall in the same cache line. Part by part, the stores
    /// went to four lines in turn, and a core that commits two stores a cycle only to one line committed one (AVX2
    /// fused MSE 64K on an Intel Xeon, by hand: float 17 -> 12.7 us, double 40 -> 32; measured on Intel only, and
    /// with the gradient 13.5-18.7 us by where it lies from the inputs modulo 4 KB). A lane's four terms are not
    /// all kept (with the accumulators they did not fit in sixteen registers, and the accumulators went to the
    /// stack): its block sum (t₀ + t₁) + (t₂ + t₃) is built as the chunks come, and where a float sum is ±∞ or NaN
    /// (rare) the block's terms are computed again from its inputs, which no output has overwritten, and added as
    /// <see cref="IVec{TSelf, T}.AccumulateBlock"/> adds them. Four-part paths (128-bit) keep <see cref="CheapBlocks"/>:
    /// there MSE gained nothing, and MAE's eight accumulators and four pair sums spilled (29 -> 42 us).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void AddressOrderBlocks<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint blocks, in TOp op, T gradientScale, T rho, ref Accumulators<TVec> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        nuint width = (nuint)TVec.Count;
        nuint chunk = (nuint)Lanes<T>();
        TVec scale = TVec.Create(gradientScale), rhoV = TVec.Create(rho);
        TVec lo0 = sums.Low0, hi0 = sums.High0, lo1 = sums.Low1, hi1 = sums.High1;
        Span<T> again = stackalloc T[64];
        nuint end = blocks * 4 * chunk;
        for (nuint i = 0; i < end; i += 4 * chunk)
        {
            // The block's own references, as in CheapBlocks. a = t₀ + t₁ from chunks 0 and 1, then
            // s = a + (t₂ + t₃) from chunks 2 and 3.
            ref T xb = ref Unsafe.Add(ref x, i), yb = ref Unsafe.Add(ref y, i), wb = ref TOp.UsesWeights ? ref Unsafe.Add(ref w, i) : ref w;
            ref T ob = ref At(ref output, i), o2b = ref At(ref output2, i);
            Quad<T, TVec, TOp, TMode>(ref xb, ref yb, ref wb, ref ob, ref o2b, 0, width, chunk, in op, scale, rhoV, out TVec a0, out TVec a1);
            Quad<T, TVec, TOp, TMode>(ref xb, ref yb, ref wb, ref ob, ref o2b, 2 * chunk, width, chunk, in op, scale, rhoV, out TVec b0, out TVec b1);
            TVec s0 = a0 + b0, s1 = a1 + b1;
            if (!TMode.Accumulates)
            {
                continue;
            }
            if (typeof(T) == typeof(float) && Overflowed<T, TVec>(s0, s1))
            {
                AccumulateBlockAgain<T, TVec, TOp, TMode>(ref xb, ref yb, ref wb, in op, scale, again, ref lo0, ref hi0, ref lo1, ref hi1);
                continue;
            }
            TVec.Accumulate(ref lo0, ref hi0, s0);
            TVec.Accumulate(ref lo1, ref hi1, s1);
        }
        sums.Low0 = lo0; sums.High0 = hi0; sums.Low1 = lo1; sums.High1 = hi1;
    }

    /// <summary>
    /// Two adjacent vectors (two parts) of two consecutive chunks, from <paramref name="i"/>, their outputs written in
    /// address order; returns each part's pair sum of terms (times ρ for double, as <see cref="CheapPart"/> takes them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quad<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint i, nuint width, nuint chunk, in TOp op, TVec scale, TVec rho, out TVec first, out TVec second)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        FourTerms<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, i, i + width, i + chunk, i + chunk + width, in op, scale, rho,
            out TVec t0, out TVec t1, out TVec t2, out TVec t3);
        first = t0 + t2;
        second = t1 + t3;
    }

    /// <summary>
    /// A block of two parts whose float sum overflowed (<see cref="Overflowed"/>): its terms computed again from its
    /// inputs, which no output has overwritten, into <paramref name="again"/>, and each part's added as
    /// <see cref="IVec{TSelf, T}.AccumulateBlock"/> adds them (<see cref="AddressOrderBlocks"/> and its streamed twin).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateBlockAgain<T, TVec, TOp, TMode>(ref T xb, ref T yb, ref T wb, in TOp op, TVec scale, Span<T> again,
        ref TVec lo0, ref TVec hi0, ref TVec lo1, ref TVec hi1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        nuint width = (nuint)TVec.Count;
        nuint chunk = (nuint)Lanes<T>();
        for (nuint j = 0; j < 4 * chunk; j += width)
        {
            TVec.Store(TermsOnly<T, TVec, TOp, TMode>(Inputs<T, TVec, TOp>.Load(ref xb, ref yb, ref wb, j), in op, scale), ref again[0], j);
        }
        ref T t = ref again[0];
        TVec.AccumulateBlock(ref lo0, ref hi0, TVec.Load(ref t, 0), TVec.Load(ref t, chunk), TVec.Load(ref t, 2 * chunk), TVec.Load(ref t, 3 * chunk));
        TVec.AccumulateBlock(ref lo1, ref hi1, TVec.Load(ref t, width), TVec.Load(ref t, chunk + width), TVec.Load(ref t, 2 * chunk + width), TVec.Load(ref t, 3 * chunk + width));
    }

    /// <summary>
    /// Whether a float lane of either part's block sum is ±∞ (or NaN: s − s is +0 in a finite lane, NaN otherwise, as
    /// <see cref="IVec{TSelf, T}.AccumulateBlock"/> tests it). A NaN lane is added again as AccumulateBlock adds it,
    /// which keeps its float sum: the same bits, only slower where a block holds a NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Overflowed<T, TVec>(TVec s0, TVec s1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        => TVec.AnySet((s0 - s0) | (s1 - s1));

    /// <summary>
    /// The terms <see cref="Terms"/> returns for the same inputs, without writing any output: the same three branches,
    /// kept apart on purpose. Terms written through a shared helper with the gradients as out parameters compiled
    /// otherwise: 128-bit MAE's block loop spilled two more accumulators (2335 -> 2376 bytes), AVX2 smooth L1's 46
    /// bytes longer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec TermsOnly<T, TVec, TOp, TMode>(Inputs<T, TVec, TOp> inputs, in TOp op, TVec scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        if ((typeof(TMode) == typeof(FusedMode) || typeof(TMode) == typeof(AddGradientMode)) && default(TOp) is ITwoGradientLoss)
        {
            return op.ValueAndGradients(inputs.X, inputs.Y, inputs.W, scale, out _, out _);
        }
        if (typeof(TMode) == typeof(FusedMode) || typeof(TMode) == typeof(AddGradientMode))
        {
            return op.ValueAndGradient(inputs.X, inputs.Y, inputs.W, scale, out _);
        }
        return op.Value(inputs.X, inputs.Y, inputs.W);
    }

    /// <summary>
    /// Whole blocks of an expensive operator: each block's 4P vectors through <see cref="BlockTerms"/> (the operator's
    /// one inlined copy, its terms into a small buffer), then each part adds its block sum.
    /// </summary>
    /// <remarks>
    /// The operator lives in a method of its own that holds nothing else: inlined into this loop, an exp or log
    /// exhausted the JIT's inlining budget and its tracked locals (every temporary of the second log went through the
    /// stack, and the stores after it became calls), 3 to 10 times slower. A call per block of 4L elements costs
    /// about a nanosecond.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Blocks<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint blocks, in TOp op, T gradientScale, T rho, ref Accumulators<TVec> sums, int validInLast = -1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        bool accumulates = TMode.Accumulates;
        nuint block = 4 * (nuint)Lanes<T>();
        TVec scale = TVec.Create(gradientScale);
        Span<T> buffer = stackalloc T[64];
        ref T terms = ref MemoryMarshal.GetReference(buffer);
        T negativeZero = Constant.Of<T>(-0.0);
        TVec lo0 = sums.Low0, hi0 = sums.High0, lo1 = sums.Low1, hi1 = sums.High1;
        TVec lo2 = sums.Low2, hi2 = sums.High2, lo3 = sums.Low3, hi3 = sums.High3;
        nuint end = blocks * block;
        // The value and per-element forms run the fused block, its gradient into a scratch block: compiled for them,
        // the operator ran out of the JIT's inlining resources half-way (every vector operation of BCE with logits'
        // log a call, 13 times slower than fused), and the fused value is the value (the same operations).
        bool viaFused = typeof(TMode) == typeof(ValueMode) || typeof(TMode) == typeof(PerElementMode);
        Span<T> scratch = stackalloc T[viaFused ? 64 : 0];
        for (nuint i = 0; i < end; i += block)
        {
            if (viaFused)
            {
                BlockTerms<T, TVec, TOp, FusedMode>(ref Unsafe.Add(ref x, i), ref Unsafe.Add(ref y, i), ref TOp.UsesWeights ? ref Unsafe.Add(ref w, i) : ref w,
                    ref MemoryMarshal.GetReference(scratch), ref Unsafe.NullRef<T>(), ref terms, 0, in op, scale);
                if (typeof(TMode) == typeof(PerElementMode))
                {
                    buffer.Slice(0, (int)block).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref output, i), (int)block));
                }
            }
            else
            {
                BlockTerms<T, TVec, TOp, TMode>(ref x, ref y, ref w, ref output, ref output2, ref terms, i, in op, scale);
            }
            if (accumulates)
            {
                if (validInLast >= 0 && i + block == end)
                {
                    // A padded last block (see LastBlock): the terms past the data are −0.0.
                    buffer.Slice(validInLast, (int)block - validInLast).Fill(negativeZero);
                }
                AddBlock<T, TVec>(ref terms, rho, ref lo0, ref hi0, ref lo1, ref hi1, ref lo2, ref hi2, ref lo3, ref hi3);
            }
        }
        sums.Low0 = lo0; sums.High0 = hi0; sums.Low1 = lo1; sums.High1 = hi1;
        sums.Low2 = lo2; sums.High2 = hi2; sums.Low3 = lo3; sums.High3 = hi3;
    }

    /// <summary>
    /// One block of an expensive operator from element <paramref name="i"/>: its 4P vectors in memory order, each
    /// vector's inputs loaded before the previous one's outputs are stored (4K aliasing, see <see cref="CheapBlocks"/>),
    /// its terms into <paramref name="terms"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BlockTerms<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, ref T terms, nuint i, in TOp op, TVec scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        nuint width = (nuint)TVec.Count;
        nuint block = 4 * (nuint)Lanes<T>();
        Inputs<T, TVec, TOp> next = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, i);
        for (nuint k = 0; k < block; k += width)
        {
            Inputs<T, TVec, TOp> current = next;
            // The last vector loads itself again: the next block's inputs may lie past the data.
            next = Inputs<T, TVec, TOp>.Load(ref x, ref y, ref w, k + width < block ? i + k + width : i + k);
            Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref terms, k)), Terms<T, TVec, TOp, TMode>(current, ref output, ref output2, i + k, in op, scale));
        }
    }

    /// <summary>Adds the block of 4L terms at <paramref name="terms"/> (scaled by ρ for double), part by part.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddBlock<T, TVec>(ref T terms, T rho, ref TVec lo0, ref TVec hi0, ref TVec lo1, ref TVec hi1, ref TVec lo2, ref TVec hi2, ref TVec lo3, ref TVec hi3)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
    {
        AddPart<T, TVec>(ref terms, 0, rho, ref lo0, ref hi0);
        if (64 / Unsafe.SizeOf<TVec>() > 1)
        {
            AddPart<T, TVec>(ref terms, 1, rho, ref lo1, ref hi1);
        }
        if (64 / Unsafe.SizeOf<TVec>() > 2)
        {
            AddPart<T, TVec>(ref terms, 2, rho, ref lo2, ref hi2);
            AddPart<T, TVec>(ref terms, 3, rho, ref lo3, ref hi3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddPart<T, TVec>(ref T terms, int part, T rho, ref TVec lo, ref TVec hi)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
    {
        nuint chunk = (nuint)Lanes<T>();
        nuint p = (nuint)(part * TVec.Count);
        TVec t0 = TVec.Load(ref terms, p), t1 = TVec.Load(ref terms, p + chunk);
        TVec t2 = TVec.Load(ref terms, p + 2 * chunk), t3 = TVec.Load(ref terms, p + 3 * chunk);
        if (typeof(T) == typeof(double))
        {
            TVec r = TVec.Create(rho);
            (t0, t1, t2, t3) = (t0 * r, t1 * r, t2 * r, t3 * r);
        }
        TVec.AccumulateBlock(ref lo, ref hi, t0, t1, t2, t3);
    }

    /// <summary>
    /// The last, partial block (fewer than 4L elements from <paramref name="start"/>): through the same vector code
    /// on a zero-padded copy, terms outside the data −0.0, and only the valid outputs copied back (so that in-place
    /// gradients stay right).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void LastBlock<T, TVec, TOp, TMode>(ref T x, ref T y, ref T w, ref T output, ref T output2, nuint start, nuint count, in TOp op, T gradientScale, T rho, ref Accumulators<TVec> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        int block = 4 * Lanes<T>();
        int c = (int)count;
        Span<T> buffer = stackalloc T[5 * 64];
        buffer.Clear();
        Span<T> bx = buffer.Slice(0, block), by = buffer.Slice(block, block), bw = buffer.Slice(2 * block, block), bo = buffer.Slice(3 * block, block);
        Span<T> bo2 = buffer.Slice(4 * block, block);
        CopyIn(ref x, start, bx.Slice(0, c));
        CopyIn(ref y, start, by.Slice(0, c));
        if (TOp.UsesWeights)
        {
            CopyIn(ref w, start, bw.Slice(0, c));
        }
        if (TMode.AddsToOutput)
        {
            CopyIn(ref output, start, bo.Slice(0, c));
        }
        if (TOp.Cheap)
        {
            CheapLastBlock<T, TVec, TOp, TMode>(bx, by, bw, bo, bo2, c, in op, gradientScale, rho, ref sums);
        }
        else
        {
            // The block loop itself on the copy, its terms past the data −0.0: the expensive operator is compiled
            // once (a second inlined copy here doubled the time of a first call, which is mostly the JIT's).
            Blocks<T, TVec, TOp, TMode>(ref bx[0], ref by[0], ref bw[0], ref bo[0], ref bo2[0], 1, in op, gradientScale, rho, ref sums, c);
        }
        if (TMode.WritesOutput && !Unsafe.IsNullRef(ref output))
        {
            bo.Slice(0, c).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref output, start), c));
        }
        if (TMode.WritesGradient && default(TOp) is ITwoGradientLoss && !Unsafe.IsNullRef(ref output2))
        {
            bo2.Slice(0, c).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref output2, start), c));
        }
    }

    /// <summary>The last block of a cheap operator, on the padded copy: its terms past the data −0.0.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void CheapLastBlock<T, TVec, TOp, TMode>(Span<T> bx, Span<T> by, Span<T> bw, Span<T> bo, Span<T> bo2, int c, in TOp op, T gradientScale, T rho, ref Accumulators<TVec> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        int block = bx.Length;
        TVec scale = TVec.Create(gradientScale);
        TVec negativeZero = TVec.Create(Constant.Of<T>(-0.0));
        for (int k = 0; k < block; k += TVec.Count)
        {
            Inputs<T, TVec, TOp> inputs = Inputs<T, TVec, TOp>.Load(ref bx[0], ref by[0], ref bw[0], (nuint)k);
            TVec terms = Terms<T, TVec, TOp, TMode>(inputs, ref bo[0], ref bo2[0], (nuint)k, in op, scale);
            if (TMode.Accumulates)
            {
                // The terms replace the inputs of x, which this lane's vector no longer needs.
                TVec.Store(TVec.Select(TVec.LaneMask(0, c - k), terms, negativeZero), ref bx[0], (nuint)k);
            }
        }
        if (TMode.Accumulates)
        {
            AddBlock<T, TVec>(ref bx[0], rho, ref sums.Low0, ref sums.High0, ref sums.Low1, ref sums.High1, ref sums.Low2, ref sums.High2, ref sums.Low3, ref sums.High3);
        }
    }

    /// <summary>A vector's inputs, loaded ahead of the previous vector's store (see <see cref="CheapBlocks"/>).</summary>
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

    /// <summary>One vector from inputs already loaded: writes its outputs at <paramref name="i"/> and returns its terms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Terms<T, TVec, TOp, TMode>(Inputs<T, TVec, TOp> inputs, ref T output, ref T output2, nuint i, in TOp op, TVec scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        // The branches test types in place, which the JIT decides while it reads the method: a branch that cannot run
        // is never read, so its inlinees cost no compile time and do not count against the budget of the one that
        // does. (Through a local the test is decided only after inlining: both branches' operators were inlined,
        // and BCE with logits' block compiled two copies of its exp and log1p.)
        if ((typeof(TMode) == typeof(FusedMode) || typeof(TMode) == typeof(AddGradientMode)) && default(TOp) is ITwoGradientLoss)
        {
            TVec both = op.ValueAndGradients(inputs.X, inputs.Y, inputs.W, scale, out TVec gradient1, out TVec gradient2);
            if (!Unsafe.IsNullRef(ref output))
            {
                TVec.Store(gradient1, ref output, i);
            }
            if (!Unsafe.IsNullRef(ref output2))
            {
                TVec.Store(gradient2, ref output2, i);
            }
            return both;
        }
        if (typeof(TMode) == typeof(FusedMode) || typeof(TMode) == typeof(AddGradientMode))
        {
            TVec terms = op.ValueAndGradient(inputs.X, inputs.Y, inputs.W, scale, out TVec gradient);
            TVec.Store(typeof(TMode) == typeof(AddGradientMode) ? TVec.Load(ref output, i) + gradient : gradient, ref output, i);
            return terms;
        }
        TVec value = op.Value(inputs.X, inputs.Y, inputs.W);
        if (typeof(TMode) == typeof(PerElementMode))
        {
            TVec.Store(value, ref output, i);
        }
        return value;
    }

    /// <summary>Writes one gradient element of a loss with two gradients, unless that gradient was not asked for (a null reference).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreIfWanted<T>(ref T output, nuint i, T value)
    {
        if (!Unsafe.IsNullRef(ref output))
        {
            Unsafe.Add(ref output, i) = value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyIn<T>(ref T source, nuint start, Span<T> destination)
        => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref source, start), destination.Length).CopyTo(destination);

    /// <summary>
    /// One term of an objective over whole blocks (<paramref name="blocks"/> of 4L elements from <paramref name="x"/>),
    /// into the term's own accumulators: a run of tiles through this and <see cref="TermLastBlock"/> adds in the
    /// order of <see cref="Segment"/>, so that the term's sum has the bits of the single loss.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TermBlocks<T, TVec, TOp, TMode>(ref T x, ref T y, ref T output, nuint blocks, in TOp op, T gradientScale, T rho, ref TermSums sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        ref Accumulators<TVec> a = ref Unsafe.As<TermSums, Accumulators<TVec>>(ref sums);
        if (Unrolled<T, TVec, TOp>())
        {
            CheapBlocks<T, TVec, TOp, TMode>(ref x, ref y, ref Unsafe.NullRef<T>(), ref output, ref Unsafe.NullRef<T>(), blocks, in op, gradientScale, rho, ref a);
        }
        else
        {
            Blocks<T, TVec, TOp, TMode>(ref x, ref y, ref Unsafe.NullRef<T>(), ref output, ref Unsafe.NullRef<T>(), blocks, in op, gradientScale, rho, ref a);
        }
    }

    /// <summary>One term of an objective over the last, partial block of <paramref name="count"/> elements (see <see cref="LastBlock"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TermLastBlock<T, TVec, TOp, TMode>(ref T x, ref T y, ref T output, nuint count, in TOp op, T gradientScale, T rho, ref TermSums sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
        => LastBlock<T, TVec, TOp, TMode>(ref x, ref y, ref Unsafe.NullRef<T>(), ref output, ref Unsafe.NullRef<T>(), 0, count, in op, gradientScale, rho, ref Unsafe.As<TermSums, Accumulators<TVec>>(ref sums));

    /// <summary>One term of an objective on the scalar path: whole blocks and a last partial one alike (its lanes are the first L of <paramref name="sums"/>).</summary>
    [SkipLocalsInit]
    internal static void ScalarTerm<T, TOp, TMode>(ref T x, ref T y, ref T output, nuint n, in TOp op, T gradientScale, T rho, ref TermSums sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
    {
        int lanes = Lanes<T>();
        Span<T> terms = stackalloc T[64];
        ScalarLoop<T, TOp, TMode>(ref x, ref y, ref Unsafe.NullRef<T>(), ref output, ref Unsafe.NullRef<T>(), n, in op, gradientScale, rho, ((Span<double>)sums).Slice(0, lanes), terms.Slice(0, 4 * lanes));
    }

    /// <summary>A term's scaled sum Σρt from its accumulators on <paramref name="path"/>, as <see cref="Segment"/> finishes (the scalar path: the lanes of <see cref="ScalarTerm"/>).</summary>
    [SkipLocalsInit]
    internal static double TermSum<T>(KernelPath path, ref TermSums sums) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Span<double> lanes = stackalloc double[16];
        switch (path)
        {
            case KernelPath.Vector512: Store<T, W512<T>>(ref Unsafe.As<TermSums, Accumulators<W512<T>>>(ref sums), lanes); break;
            case KernelPath.Vector256: Store<T, W256<T>>(ref Unsafe.As<TermSums, Accumulators<W256<T>>>(ref sums), lanes); break;
            case KernelPath.Vector128: Store<T, W128<T>>(ref Unsafe.As<TermSums, Accumulators<W128<T>>>(ref sums), lanes); break;
            default: ((Span<double>)sums).Slice(0, 16).CopyTo(lanes); break;
        }
        return CanonicalSum(lanes.Slice(0, Lanes<T>()));
    }

    /// <summary>The L lane sums added in a fixed halving tree: lane j and lane j + L/2 first, and so on down.</summary>
    /// <remarks>
    /// For the library's 16 and 8 lanes the tree runs on pairs of lanes (<see cref="Vector128{T}"/> of double, whose
    /// lane-wise adds are exactly the scalar ones): the same additions, a fraction of the time, which matters where a
    /// row loss finishes a sum per row. (The span is left as it was only for other lengths.)
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double CanonicalSum(Span<double> lanes)
    {
        ref double l = ref MemoryMarshal.GetReference(lanes);
        if (lanes.Length == 16)
        {
            // Width 8: lanes s and s + 8; width 4: s and s + 4; width 2: s and s + 2; then the last pair.
            Vector128<double> a0 = Pair(ref l, 0) + Pair(ref l, 8), a1 = Pair(ref l, 2) + Pair(ref l, 10);
            Vector128<double> a2 = Pair(ref l, 4) + Pair(ref l, 12), a3 = Pair(ref l, 6) + Pair(ref l, 14);
            Vector128<double> c = (a0 + a2) + (a1 + a3);
            return c.GetElement(0) + c.GetElement(1);
        }
        if (lanes.Length == 8)
        {
            Vector128<double> c = (Pair(ref l, 0) + Pair(ref l, 4)) + (Pair(ref l, 2) + Pair(ref l, 6));
            return c.GetElement(0) + c.GetElement(1);
        }
        return HalvingTree(lanes);
    }

    /// <summary><see cref="CanonicalSum"/> for any power-of-two length (in place), out of the inlined path.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double HalvingTree(Span<double> lanes)
    {
        for (int width = lanes.Length / 2; width >= 1; width /= 2)
        {
            for (int s = 0; s < width; s++)
            {
                lanes[s] += lanes[s + width];
            }
        }
        return lanes[0];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Pair(ref double lanes, int index) => Vector128.LoadUnsafe(ref lanes, (nuint)index);
}
