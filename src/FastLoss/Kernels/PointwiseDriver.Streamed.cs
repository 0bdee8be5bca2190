using System;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>
/// Gradients too large for the caches written past them (non-temporal stores) by the cheap operators on the 512-bit
/// and 256-bit paths: the same terms, blocks and accumulators as <see cref="CheapBlocks"/> and
/// <see cref="AddressOrderBlocks"/>, so the same bits; only the stores differ.
/// </summary>
/// <remarks>
/// <para>An ordinary store to a line that is not in the cache first reads the line from memory (a read for
/// ownership): writing a gradient costs twice its size in memory traffic. A non-temporal store of a whole aligned
/// 64-byte line writes it without reading it. Measured on a Zen 4 (by hand, one thread, 16M floats, medians of 15,
/// a neighbour loading the memory part of the time): fused MSE 7.9–11.5 → 6.1–7.1 ms on the 512-bit path and
/// 9.7–11.8 → 7.5–9.4 ms on AVX2 (<c>DOTNET_EnableAVX512=0</c>), each at the non-temporal roofline of its width (an
/// aligned loop g = x − y), where the ordinary one takes 8.0–11.8 ms. The expensive operators (BCE with logits, at 1 ns an element bound by their
/// arithmetic on one core) measured no faster streamed, on one thread or two, and the 128-bit path takes a block's
/// vectors part by part, not in address order. A gradient the caches could hold would lose by it (its reader would
/// find it in memory, not in the cache), hence <see cref="StreamedBytes"/>, from the size of the last-level cache.</para>
/// <para>The stores must be aligned, and the gradient need not be: with s the elements from the segment's start to
/// its first 64-byte boundary, the line that starts at element 16(j − 1) + s (floats; 8 for double) is the last
/// L − s lanes of vector j − 1 and the first s of vector j, one two-source permute (s = 0: vector j − 1 itself);
/// on the 256-bit path the same for each half line from its 32-byte boundary, two permutes and a blend. The 256-bit
/// path streams only when no gradient is an input's memory (as <see cref="AddressOrderBlocks"/>, whose order it
/// takes: a block whose float sum overflows is computed again from its inputs).
/// The segment's first vector and its last are also stored whole with ordinary stores, for the partial lines at
/// its ends; they overlap the streamed lines with the same values. Every line is stored after the inputs of every
/// element in it were read, so a gradient in place of its input stays right.</para>
/// </remarks>
internal static partial class PointwiseDriver
{
    /// <summary>
    /// Gradients from this size on are streamed (tests lower it): a quarter of the last-level cache, at least 8 MB,
    /// or 64 MB where the cache's size is not known (<see cref="LastLevelCacheBytes"/>). On the Zen 4 (32 MB L3),
    /// fused MSE called again and again on the same data, one thread, medians of 15: 1M floats (a 4 MB gradient, 12 MB
    /// in all) 0.19 ms either way; 2M 1.15–1.22 → 0.60–0.68 ms; 4M 2.66–2.79 → 1.39–1.65; 8M 6.47 → 4.15–4.43. A streamed
    /// gradient leaves the cache to the inputs, which then stay there from call to call, where an ordinary one
    /// evicted them. With the gradient read right after (a sum of it), medians of four processes: 2M 1.35 → 1.1 ms,
    /// 4M 2.4 → 2.85 (slower), 8M 7.1 → 5.8.
    /// </summary>
    internal static long StreamedBytes = DefaultStreamedBytes(LastLevelCacheBytes());

    /// <summary>The streaming threshold for a last-level cache of <paramref name="cacheBytes"/> (0: unknown).</summary>
    internal static long DefaultStreamedBytes(long cacheBytes) => cacheBytes > 0 ? Math.Max(8L << 20, cacheBytes / 4) : 64L << 20;

    /// <summary>
    /// The size of the largest cache of the first CPU (Linux: <c>/sys/devices/system/cpu/cpu0/cache</c>), or 0 where it
    /// cannot be read (other systems, or a container that hides it).
    /// </summary>
    internal static long LastLevelCacheBytes(string directory = "/sys/devices/system/cpu/cpu0/cache")
    {
        try
        {
            if (!Directory.Exists(directory))
            {
                return 0;
            }
            long largest = 0;
            foreach (string index in Directory.EnumerateDirectories(directory, "index*"))
            {
                string sizeFile = Path.Combine(index, "size");
                if (File.Exists(sizeFile))
                {
                    largest = Math.Max(largest, ParseCacheSize(File.ReadAllText(sizeFile)));
                }
            }
            return largest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>A sysfs cache size such as <c>32768K</c> or <c>1M</c> in bytes, or 0 if it is not one.</summary>
    internal static long ParseCacheSize(string text)
    {
        text = text.Trim();
        long unit = text.EndsWith('K') ? 1L << 10 : text.EndsWith('M') ? 1L << 20 : text.EndsWith('G') ? 1L << 30 : 1;
        string digits = unit == 1 ? text : text[..^1];
        return long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value) && value > 0
            ? value * unit
            : 0;
    }

    /// <summary>
    /// Whether a call's gradient bypasses the caches: the fused form of a cheap operator with one gradient of at
    /// least <see cref="StreamedBytes"/>, on the 512-bit or 256-bit path, at an address aligned to its element.
    /// </summary>
    private static unsafe bool Streams<T, TVec, TOp, TMode>(T* output, T* output2, nuint length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
        where TMode : struct, IPassMode
        => (typeof(TVec) == typeof(W512<T>) || typeof(TVec) == typeof(W256<T>)) && typeof(TMode) == typeof(FusedMode) && TOp.Cheap && default(TOp) is not ITwoGradientLoss
            && output != null && output2 == null && (long)length * sizeof(T) >= StreamedBytes && (nuint)output % (nuint)sizeof(T) == 0;

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
        // Non-temporal stores are weakly ordered: fenced before the call (or the segment's thread) reports done.
        Sse.StoreFence();
    }

    /// <summary>
    /// <see cref="AddressOrderBlocks"/> (the 256-bit path, no output an input's memory) with the gradient streamed: the
    /// vectors come in address order, and each 32-byte aligned half line is the last lanes of one and the first of the next.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static unsafe void StreamedAddressOrderBlocks<T, TVec, TOp>(ref T x, ref T y, ref T w, ref T output, nuint blocks, in TOp op, T gradientScale, T rho, ref Accumulators<TVec> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TOp : struct, IPointwiseLoss<T>
    {
        ref Accumulators<W256<T>> accumulators = ref Unsafe.As<Accumulators<TVec>, Accumulators<W256<T>>>(ref sums);
        nuint width = (nuint)W256<T>.Count;
        nuint chunk = (nuint)Lanes<T>();
        // In 32-bit lanes: the shift from the first vector's start to the first 32-byte boundary.
        int shift = (int)(((nuint)(-(nint)Unsafe.AsPointer(ref output)) & 31) / 4);
        nuint s = (nuint)(shift * 4 / sizeof(T));
        Vector256<int> lanes = Vector256<int>.Indices + Vector256.Create(shift);
        Vector256<int> permutation = lanes & Vector256.Create(7);
        Vector256<float> fromSecond = Vector256.GreaterThan(lanes, Vector256.Create(7)).AsSingle();
        W256<T> scale = W256<T>.Create(gradientScale), rhoV = W256<T>.Create(rho);
        W256<T> lo0 = accumulators.Low0, hi0 = accumulators.High0, lo1 = accumulators.Low1, hi1 = accumulators.High1;
        W256<T> previous = default;
        Span<T> again = stackalloc T[64];
        nuint end = blocks * 4 * chunk;
        for (nuint i = 0; i < end; i += 4 * chunk)
        {
            ref T xb = ref Unsafe.Add(ref x, i), yb = ref Unsafe.Add(ref y, i), wb = ref TOp.UsesWeights ? ref Unsafe.Add(ref w, i) : ref w;
            StreamedQuad(ref xb, ref yb, ref wb, ref output, i, s, in op, scale, rhoV, permutation, fromSecond, ref previous, out W256<T> a0, out W256<T> a1);
            StreamedQuad(ref xb, ref yb, ref wb, ref output, i + 2 * chunk, s, in op, scale, rhoV, permutation, fromSecond, ref previous, out W256<T> b0, out W256<T> b1);
            W256<T> s0 = a0 + b0, s1 = a1 + b1;
            if (typeof(T) == typeof(float) && Overflowed<T, W256<T>>(s0, s1))
            {
                AccumulateBlockAgain<T, W256<T>, TOp, FusedMode>(ref xb, ref yb, ref wb, in op, scale, again, ref lo0, ref hi0, ref lo1, ref hi1);
                continue;
            }
            W256<T>.Accumulate(ref lo0, ref hi0, s0);
            W256<T>.Accumulate(ref lo1, ref hi1, s1);
        }
        W256<T>.Store(previous, ref output, end - width);
        accumulators.Low0 = lo0; accumulators.High0 = hi0; accumulators.Low1 = lo1; accumulators.High1 = hi1;
        Sse.StoreFence(); // as in StreamedBlocks (both paths are x86's)
    }

    /// <summary><see cref="Quad"/> with the four gradients streamed (see <see cref="StreamedAddressOrderBlocks"/>); <paramref name="i"/> is from the segment's start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StreamedQuad<T, TOp>(ref T x, ref T y, ref T w, ref T output, nuint i, nuint s, in TOp op, W256<T> scale, W256<T> rho,
        Vector256<int> permutation, Vector256<float> fromSecond, ref W256<T> previous, out W256<T> first, out W256<T> second)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<T>
    {
        nuint width = (nuint)W256<T>.Count;
        nuint chunk = (nuint)Lanes<T>();
        nuint k = i & (4 * chunk - 1);
        Inputs<T, W256<T>, TOp> a = Inputs<T, W256<T>, TOp>.Load(ref x, ref y, ref w, k);
        Inputs<T, W256<T>, TOp> b = Inputs<T, W256<T>, TOp>.Load(ref x, ref y, ref w, k + width);
        Inputs<T, W256<T>, TOp> c = Inputs<T, W256<T>, TOp>.Load(ref x, ref y, ref w, k + chunk);
        Inputs<T, W256<T>, TOp> d = Inputs<T, W256<T>, TOp>.Load(ref x, ref y, ref w, k + chunk + width);
        W256<T> t0 = op.ValueAndGradient(a.X, a.Y, a.W, scale, out W256<T> g0);
        W256<T> t1 = op.ValueAndGradient(b.X, b.Y, b.W, scale, out W256<T> g1);
        W256<T> t2 = op.ValueAndGradient(c.X, c.Y, c.W, scale, out W256<T> g2);
        W256<T> t3 = op.ValueAndGradient(d.X, d.Y, d.W, scale, out W256<T> g3);
        ref T line = ref Unsafe.Add(ref output, i + s);
        if (i == 0)
        {
            W256<T>.Store(g0, ref output, 0);
        }
        else
        {
            StreamHalfLine(previous, g0, permutation, fromSecond, ref Unsafe.Subtract(ref line, width));
        }
        StreamHalfLine(g0, g1, permutation, fromSecond, ref line);
        StreamHalfLine(g1, g2, permutation, fromSecond, ref Unsafe.Add(ref line, width));
        StreamHalfLine(g2, g3, permutation, fromSecond, ref Unsafe.Add(ref line, 2 * width));
        previous = g3;
        if (typeof(T) == typeof(double))
        {
            (t0, t1, t2, t3) = (t0 * rho, t1 * rho, t2 * rho, t3 * rho);
        }
        first = t0 + t2;
        second = t1 + t3;
    }

    /// <summary>The 32-bit lanes shift, shift + 1, … of the pair (first, second), stored past the caches at the 32-byte aligned <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StreamHalfLine<T>(W256<T> first, W256<T> second, Vector256<int> permutation, Vector256<float> fromSecond, ref T destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Vector256<float> joined = Avx.BlendVariable(Avx2.PermuteVar8x32(first.V.AsSingle(), permutation), Avx2.PermuteVar8x32(second.V.AsSingle(), permutation), fromSecond);
        joined.StoreAlignedNonTemporal((float*)Unsafe.AsPointer(ref destination));
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
