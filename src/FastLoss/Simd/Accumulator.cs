using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastLoss.Simd;

/// <summary>Reading the double accumulators that <see cref="IVec{TSelf, T}.Accumulate"/> fills.</summary>
internal static class Accumulator
{
    /// <summary>
    /// The sum of an accumulator's <c>Count</c> double lanes in the fixed halving tree of
    /// <see cref="IVec{TSelf, T}.ReduceSum"/> (lanes j and j + Count/2 first): the same order on every path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SkipLocalsInit]
    public static double Sum<TVec, T>(TVec low, TVec high)
        where TVec : struct, IVec<TVec, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(TVec) == typeof(W512<float>))
        {
            // Lanes 0–7 in low, 8–15 in high: the tree's first step is low + high.
            return W512<double>.ReduceSum(new(Unsafe.BitCast<TVec, W512<double>>(low).V + Unsafe.BitCast<TVec, W512<double>>(high).V));
        }
        if (typeof(TVec) == typeof(W512<double>))
        {
            return W512<double>.ReduceSum(Unsafe.BitCast<TVec, W512<double>>(low));
        }
        Span<double> d = stackalloc double[16];
        TVec.StoreAccumulator(low, high, d);
        for (int width = TVec.Count / 2; width >= 1; width /= 2)
        {
            for (int i = 0; i < width; i++)
            {
                d[i] += d[i + width];
            }
        }
        return d[0];
    }
}
