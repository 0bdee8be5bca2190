using System;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

namespace FastLoss.Kernels;

/// <summary>Read-only scans that validate inputs before a kernel writes anything.</summary>
internal static class Scan
{
    /// <summary>Index of the first element outside [<paramref name="low"/>, <paramref name="high"/>] (NaN counts as inside), or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FirstOutside<T>(ReadOnlySpan<T> values, T low, T high) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= 4 * Vector<T>.Count)
        {
            // Four vectors a step, their compare masks or-ed and tested once (a test per vector cost as much as the
            // kernels that follow); the block with a hit is searched element by element below.
            ReadOnlySpan<Vector<T>> vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            Vector<T> lo = new(low), hi = new(high);
            int v = 0;
            for (; v + 4 <= vectors.Length; v += 4)
            {
                Vector<T> bad = (Vector.LessThan(vectors[v], lo) | Vector.GreaterThan(vectors[v], hi))
                    | (Vector.LessThan(vectors[v + 1], lo) | Vector.GreaterThan(vectors[v + 1], hi))
                    | (Vector.LessThan(vectors[v + 2], lo) | Vector.GreaterThan(vectors[v + 2], hi))
                    | (Vector.LessThan(vectors[v + 3], lo) | Vector.GreaterThan(vectors[v + 3], hi));
                // A set lane's bits are a NaN, never equal to zero: any set lane makes this true.
                if (bad != Vector<T>.Zero)
                {
                    break;
                }
            }
            i = v * Vector<T>.Count;
        }
        for (; i < values.Length; i++)
        {
            if (values[i] < low || values[i] > high)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Index of the first element that is neither −1 nor +1, or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FirstNotSign<T>(ReadOnlySpan<T> values) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<T>.Count)
        {
            ReadOnlySpan<Vector<T>> vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            Vector<T> one = Vector<T>.One;
            for (int v = 0; v < vectors.Length; v++)
            {
                Vector<T> a = Vector.Abs(vectors[v]);
                if (!Vector.EqualsAll(a, one))
                {
                    break;
                }
                i += Vector<T>.Count;
            }
        }
        for (; i < values.Length; i++)
        {
            if (values[i] != T.One && values[i] != -T.One)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Index of the first element that is neither 0 nor 1 (NaN counts as either), or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FirstNotZeroOrOne<T>(ReadOnlySpan<T> values) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<T>.Count)
        {
            ReadOnlySpan<Vector<T>> vectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            for (int v = 0; v < vectors.Length; v++)
            {
                // A NaN lane fails here too; the element loop below then lets it through.
                if (!Vector.EqualsAll(Vector.Equals(vectors[v], Vector<T>.Zero) | Vector.Equals(vectors[v], Vector<T>.One), Vector<T>.AllBitsSet))
                {
                    break;
                }
                i += Vector<T>.Count;
            }
        }
        for (; i < values.Length; i++)
        {
            if (values[i] != T.Zero && values[i] != T.One && !T.IsNaN(values[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
