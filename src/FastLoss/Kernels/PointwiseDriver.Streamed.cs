using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>
/// Gradients too large for the caches written past them (non-temporal stores), on the 512-bit path: the same
/// terms, blocks and accumulators as <see cref="CheapBlocks"/> and <see cref="Blocks"/>, so the same bits; only
/// the stores differ.
/// </summary>
/// <remarks>
/// <para>An ordinary store to a line that is not in the cache first reads the line from memory (a read for
/// ownership): writing a gradient costs twice its size in memory traffic. A non-temporal store of a whole aligned
/// 64-byte line writes it without reading it. Measured on a Zen 4 (by hand, one thread, 16M floats, medians of 15):
/// a plain Vector512 loop g = x − y, 6.1–6.8 → 5.0–5.4 ms; fused MSE with a neighbour loading the memory, 8.9–11 →
/// 6.3–7.8 ms. A gradient the caches could hold would lose by it (its reader would find it in memory, not in the
/// cache), hence <see cref="StreamedBytes"/>.</para>
/// <para>The stores must be aligned, and the gradient need not be: with s the elements from the segment's start to
/// its first 64-byte boundary, the line that starts at element 16(j − 1) + s (floats; 8 for double) is the last
/// L − s lanes of vector j − 1 and the first s of vector j, one two-source permute (s = 0: vector j − 1 itself).
/// The segment's first vector and its last are also stored whole with ordinary stores, for the partial lines at
/// its ends; they overlap the streamed lines with the same values. Every line is stored after the inputs of every
/// element in it were read, so a gradient in place of its input stays right.</para>
/// </remarks>
internal static partial class PointwiseDriver
{
    /// <summary>Gradients from this size on are streamed: twice the last-level cache of the CPUs measured (32 MB).</summary>
    internal static long StreamedBytes = 64L << 20;

    /// <summary>
    /// Whether a call's gradient bypasses the caches: the fused form with one gradient of at least
    /// <see cref="StreamedBytes"/>, on the 512-bit path, at an address aligned to its element.
    /// </summary>
    private static unsafe bool Streams<T, TVec, TOp, TMode>(Span<T> output, Span<T> output2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
        => typeof(TVec) == typeof(W512<T>) && typeof(TMode) == typeof(FusedMode) && TOp.Cheap && default(TOp) is not ITwoGradientLoss && output2.IsEmpty
            && (long)output.Length * sizeof(T) >= StreamedBytes
            && (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(output)) % (nuint)sizeof(T) == 0;

    /// <summary>The whole blocks of a segment (<see cref="Segment"/>), their gradient streamed; TVec is W512.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static unsafe void StreamedBlocks<T, TVec, TOp>(ref T x, ref T y, ref T w, ref T output, nuint blocks, in TOp op, T gradientScale, T rho, ref Accumulators<TVec> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
    {
        ref Accumulators<W512<T>> accumulators = ref Unsafe.As<Accumulators<TVec>, Accumulators<W512<T>>>(ref sums);
        nuint lanes = (nuint)Lanes<T>();
        nuint end = blocks * 4 * lanes;
        nuint s = ((nuint)(-(nint)Unsafe.AsPointer(ref output)) & 63) / (nuint)sizeof(T);
        Vector512<T> permutation = LinePermutation<T>(s);
        W512<T> scale = W512<T>.Create(gradientScale), rhoV = W512<T>.Create(rho);
        W512<T> lo = accumulators.Low0, hi = accumulators.High0;
        W512<T> previous = default;
        for (nuint i = 0; i < end; i += 4 * lanes)
        {
            ref T xb = ref Unsafe.Add(ref x, i), yb = ref Unsafe.Add(ref y, i), wb = ref TOp.UsesWeights ? ref Unsafe.Add(ref w, i) : ref w;
            Inputs<T, W512<T>, TOp> a = Inputs<T, W512<T>, TOp>.Load(ref xb, ref yb, ref wb, 0);
            Inputs<T, W512<T>, TOp> b = Inputs<T, W512<T>, TOp>.Load(ref xb, ref yb, ref wb, lanes);
            Inputs<T, W512<T>, TOp> c = Inputs<T, W512<T>, TOp>.Load(ref xb, ref yb, ref wb, 2 * lanes);
            Inputs<T, W512<T>, TOp> d = Inputs<T, W512<T>, TOp>.Load(ref xb, ref yb, ref wb, 3 * lanes);
            W512<T> t0 = op.ValueAndGradient(a.X, a.Y, a.W, scale, out W512<T> g0);
            W512<T> t1 = op.ValueAndGradient(b.X, b.Y, b.W, scale, out W512<T> g1);
            W512<T> t2 = op.ValueAndGradient(c.X, c.Y, c.W, scale, out W512<T> g2);
            W512<T> t3 = op.ValueAndGradient(d.X, d.Y, d.W, scale, out W512<T> g3);
            ref T line = ref Unsafe.Add(ref output, i + s);
            if (i == 0)
            {
                W512<T>.Store(g0, ref output, 0);
            }
            else
            {
                StreamLine(previous, g0, permutation, ref Unsafe.Subtract(ref line, lanes));
            }
            StreamLine(g0, g1, permutation, ref line);
            StreamLine(g1, g2, permutation, ref Unsafe.Add(ref line, lanes));
            StreamLine(g2, g3, permutation, ref Unsafe.Add(ref line, 2 * lanes));
            previous = g3;
            if (typeof(T) == typeof(double))
            {
                (t0, t1, t2, t3) = (t0 * rhoV, t1 * rhoV, t2 * rhoV, t3 * rhoV);
            }
            W512<T>.AccumulateBlock(ref lo, ref hi, t0, t1, t2, t3);
        }
        W512<T>.Store(previous, ref output, end - lanes);
        accumulators.Low0 = lo;
        accumulators.High0 = hi;
        if (Sse.IsSupported)
        {
            // Non-temporal stores are weakly ordered: before the call (or the segment's thread) reports done.
            Sse.StoreFence();
        }
    }

    /// <summary>Lanes s, s + 1, … of the pair (first, second): the permutation of <see cref="StreamLine"/>.</summary>
    private static Vector512<T> LinePermutation<T>(nuint s) where T : unmanaged
        => typeof(T) == typeof(float)
            ? (Vector512<int>.Indices + Vector512.Create((int)s)).As<int, T>()
            : (Vector512<long>.Indices + Vector512.Create((long)s)).As<long, T>();

    /// <summary>The last lanes of <paramref name="first"/> and the first of <paramref name="second"/> (see <see cref="LinePermutation"/>), stored past the caches at the 64-byte aligned <paramref name="line"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StreamLine<T>(W512<T> first, W512<T> second, Vector512<T> permutation, ref T line)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Vector512<T> joined = typeof(T) == typeof(float)
            ? Avx512F.PermuteVar16x32x2(first.V.AsSingle(), permutation.AsInt32(), second.V.AsSingle()).As<float, T>()
            : Avx512F.PermuteVar8x64x2(first.V.AsDouble(), permutation.AsInt64(), second.V.AsDouble()).As<double, T>();
        joined.StoreAlignedNonTemporal((T*)Unsafe.AsPointer(ref line));
    }
}
