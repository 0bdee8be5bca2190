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
        ReadOnlySpan<float> xf = MemoryMarshal.Cast<T, float>(x), yf = MemoryMarshal.Cast<T, float>(y);
        Span<double> xd = stackalloc double[Chunk];
        Span<double> yd = stackalloc double[Chunk];
        double sum = 0;
        for (int start = 0; start < xf.Length; start += Chunk)
        {
            int count = Math.Min(Chunk, xf.Length - start);
            Widen(xf.Slice(start, count), xd);
            Widen(yf.Slice(start, count), yd);
            sum += Dispatch.Pointwise<double, TOp, ValueMode>(xd[..count], yd[..count], default, default, in op, 1.0, 1);
        }
        return sum;
    }

    /// <summary>The first input's sum of a term that ignores the second (it is passed as the first again).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum<T, TOp>(ReadOnlySpan<T> x, in TOp op)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOp : struct, IPointwiseLoss<double>
        => Sum(x, x, in op);

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
