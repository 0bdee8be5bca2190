using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastLoss.Kernels;

/// <summary>
/// Sums of a metric's per-element term in double. Double inputs run the losses' element-wise driver directly;
/// float inputs are widened to double a chunk at a time on the stack and each chunk's sum is added in chunk
/// order, so the terms are computed in double and the result is the same on every path, like a loss's.
/// </summary>
internal static class MetricSum
{
    /// <summary>Elements widened at a time (two 16 KiB buffers on the stack).</summary>
    private const int Chunk = 2048;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, in TOp op)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<double>
    {
        if (x.IsEmpty)
        {
            return 0;
        }
        if (typeof(T) == typeof(double))
        {
            return Dispatch.Pointwise<double, TOp, ValueMode>(Doubles(x), Doubles(y), default, default, in op, 1.0, 1);
        }
        OneSum<TOp> sum = new(op);
        Sums(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y), ref sum);
        return sum.Total;
    }

    /// <summary>The first input's sum of a term that ignores the second (it is passed as the first again).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum<T, TOp>(ReadOnlySpan<T> x, in TOp op)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<double>
        => Sum(x, x, in op);

    /// <summary>
    /// Several sums over the same float inputs in one pass: each chunk is widened once (once in all when
    /// <paramref name="y"/> is <paramref name="x"/>), then handed to every sum of <paramref name="sums"/>, which adds
    /// each of its terms' chunk sum in chunk order: the bits of separate <see cref="Sum{T, TOp}(ReadOnlySpan{T}, ReadOnlySpan{T}, in TOp)"/> calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Sums<TSums>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ref TSums sums)
        where TSums : struct, IChunkSums
    {
        bool same = x == y;
        Span<double> xd = stackalloc double[Chunk];
        Span<double> yd = same ? xd : stackalloc double[Chunk];
        for (int start = 0; start < x.Length; start += Chunk)
        {
            int count = Math.Min(Chunk, x.Length - start);
            Widen(x.Slice(start, count), xd);
            if (!same)
            {
                Widen(y.Slice(start, count), yd);
            }
            sums.Add(xd[..count], yd[..count]);
        }
    }

    /// <summary>A term's sum over one chunk of double inputs (not empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ChunkSum<TOp>(ReadOnlySpan<double> x, ReadOnlySpan<double> y, in TOp op)
        where TOp : struct, IPointwiseLoss<double>
        => Dispatch.Pointwise<double, TOp, ValueMode>(x, y, default, default, in op, 1.0, 1);

    /// <summary>One term's running sum, for <see cref="Sum{T, TOp}(ReadOnlySpan{T}, ReadOnlySpan{T}, in TOp)"/>.</summary>
    private struct OneSum<TOp>(TOp op) : IChunkSums
        where TOp : struct, IPointwiseLoss<double>
    {
        public double Total;

        public void Add(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => Total += ChunkSum(x, y, in op);
    }

    private static ReadOnlySpan<double> Doubles<T>(ReadOnlySpan<T> values) where T : unmanaged
        => MemoryMarshal.Cast<T, double>(values);

    /// <summary>float to double, exactly, with the widest vectors there are.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen(ReadOnlySpan<float> source, Span<double> destination)
    {
        ref float s = ref MemoryMarshal.GetReference(source);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<float>.Count <= source.Length; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref s, (nuint)i);
                Vector256.WidenLower(v).StoreUnsafe(ref d, (nuint)i);
                Vector256.WidenUpper(v).StoreUnsafe(ref d, (nuint)(i + Vector256<double>.Count));
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + Vector128<float>.Count <= source.Length; i += Vector128<float>.Count)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref s, (nuint)i);
                Vector128.WidenLower(v).StoreUnsafe(ref d, (nuint)i);
                Vector128.WidenUpper(v).StoreUnsafe(ref d, (nuint)(i + Vector128<double>.Count));
            }
        }
        for (; i < source.Length; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
        }
    }
}

/// <summary>Sums that <see cref="MetricSum.Sums"/> feeds a chunk of widened inputs at a time.</summary>
internal interface IChunkSums
{
    /// <summary>Adds the chunk's sum of each term (the chunks come in order).</summary>
    void Add(ReadOnlySpan<double> x, ReadOnlySpan<double> y);
}
