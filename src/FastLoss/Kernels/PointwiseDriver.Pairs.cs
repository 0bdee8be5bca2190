using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>
/// Two losses of logits that share <see cref="Logistic.Split"/> (BCE with logits and the focal loss, or two of
/// either): the pieces once, then each loss from them as its own operator computes it, so that each has its bits.
/// </summary>
internal readonly struct LogisticPair<T, TFirst, TSecond>(TFirst first, TSecond second)
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TFirst : struct, ILogisticLoss<T>
    where TSecond : struct, ILogisticLoss<T>
{
    private readonly TFirst _first = first;
    private readonly TSecond _second = second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Compute<TVec>(TVec x, TVec y, TVec scale1, TVec scale2, out TVec value1, out TVec value2, out TVec gradient1, out TVec gradient2, bool computeGradients)
        where TVec : struct, IVec<TVec, T>
    {
        LogisticPieces<TVec> pieces;
        Logistic.Split<TVec, T>(x, out pieces.Sigmoid, out pieces.SigmoidOfNegative, out pieces.Log1pOfExpMinusAbs);
        value1 = _first.FromPieces(x, y, default, in pieces, scale1, out gradient1, computeGradients);
        value2 = _second.FromPieces(x, y, default, in pieces, scale2, out gradient2, computeGradients);
    }
}

internal static partial class PointwiseDriver
{
    /// <summary>
    /// Two adjacent terms of an objective that share their logistic pieces, over whole blocks: each term's values
    /// into its own accumulators in the order of <see cref="TermBlocks"/>, so each sum has the single loss's bits.
    /// The gradients: with <typeparamref name="TSeparate"/>, each into its own row (<paramref name="output"/>,
    /// <paramref name="output2"/>); else <c>(g₁ + g₂)</c>, or <c>(output + g₁) + g₂</c> where
    /// <typeparamref name="TMode"/> adds to the output: the terms one after the other, rounded as they round.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PairBlocks<T, TVec, TFirst, TSecond, TMode, TSeparate>(ref T x, ref T y, ref T output, ref T output2, nuint blocks,
        in LogisticPair<T, TFirst, TSecond> pair, T scale1, T scale2, T rho, ref TermSums sums1, ref TermSums sums2, int validInLast = -1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TFirst : struct, ILogisticLoss<T>
        where TSecond : struct, ILogisticLoss<T>
        where TMode : struct, IPassMode
        where TSeparate : struct, IFlag
    {
        ref Accumulators<TVec> a = ref Unsafe.As<TermSums, Accumulators<TVec>>(ref sums1);
        ref Accumulators<TVec> b = ref Unsafe.As<TermSums, Accumulators<TVec>>(ref sums2);
        nuint block = 4 * (nuint)Lanes<T>();
        TVec s1 = TVec.Create(scale1), s2 = TVec.Create(scale2);
        Span<T> buffer = stackalloc T[128];
        ref T terms1 = ref MemoryMarshal.GetReference(buffer);
        ref T terms2 = ref buffer[64];
        T negativeZero = Constant.Of<T>(-0.0);
        nuint end = blocks * block;
        for (nuint i = 0; i < end; i += block)
        {
            PairBlockTerms<T, TVec, TFirst, TSecond, TMode, TSeparate>(ref x, ref y, ref output, ref output2, ref terms1, ref terms2, i, in pair, s1, s2);
            if (validInLast >= 0 && i + block == end)
            {
                // A padded last block (see PairLastBlock): the terms past the data are −0.0, as in LastBlock.
                buffer.Slice(validInLast, (int)block - validInLast).Fill(negativeZero);
                buffer.Slice(64 + validInLast, (int)block - validInLast).Fill(negativeZero);
            }
            AddBlock<T, TVec>(ref terms1, rho, ref a.Low0, ref a.High0, ref a.Low1, ref a.High1, ref a.Low2, ref a.High2, ref a.Low3, ref a.High3);
            AddBlock<T, TVec>(ref terms2, rho, ref b.Low0, ref b.High0, ref b.Low1, ref b.High1, ref b.Low2, ref b.High2, ref b.Low3, ref b.High3);
        }
    }

    /// <summary>One block of the pair (a method of its own, as <see cref="BlockTerms"/>: the two inlined losses stay within the JIT's budget).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PairBlockTerms<T, TVec, TFirst, TSecond, TMode, TSeparate>(ref T x, ref T y, ref T output, ref T output2, ref T terms1, ref T terms2, nuint i,
        in LogisticPair<T, TFirst, TSecond> pair, TVec scale1, TVec scale2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TFirst : struct, ILogisticLoss<T>
        where TSecond : struct, ILogisticLoss<T>
        where TMode : struct, IPassMode
        where TSeparate : struct, IFlag
    {
        nuint width = (nuint)TVec.Count;
        nuint block = 4 * (nuint)Lanes<T>();
        for (nuint k = 0; k < block; k += width)
        {
            nuint at = i + k;
            pair.Compute(TVec.Load(ref x, at), TVec.Load(ref y, at), scale1, scale2, out TVec value1, out TVec value2, out TVec gradient1, out TVec gradient2, TMode.WritesGradient);
            if (TMode.WritesGradient)
            {
                if (TSeparate.Value)
                {
                    TVec.Store(gradient1, ref output, at);
                    TVec.Store(gradient2, ref output2, at);
                }
                else
                {
                    TVec first = TMode.AddsToOutput ? TVec.Load(ref output, at) + gradient1 : gradient1;
                    TVec.Store(first + gradient2, ref output, at);
                }
            }
            Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref terms1, k)), value1);
            Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref terms2, k)), value2);
        }
    }

    /// <summary>The pair over a last, partial block of <paramref name="count"/> elements: on a padded copy, as <see cref="LastBlock"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void PairLastBlock<T, TVec, TFirst, TSecond, TMode, TSeparate>(ref T x, ref T y, ref T output, ref T output2, nuint count,
        in LogisticPair<T, TFirst, TSecond> pair, T scale1, T scale2, T rho, ref TermSums sums1, ref TermSums sums2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TFirst : struct, ILogisticLoss<T>
        where TSecond : struct, ILogisticLoss<T>
        where TMode : struct, IPassMode
        where TSeparate : struct, IFlag
    {
        int block = 4 * Lanes<T>();
        int c = (int)count;
        Span<T> buffer = stackalloc T[4 * 64];
        buffer.Clear();
        Span<T> bx = buffer.Slice(0, block), by = buffer.Slice(block, block), bo = buffer.Slice(2 * block, block), bo2 = buffer.Slice(3 * block, block);
        CopyIn(ref x, 0, bx.Slice(0, c));
        CopyIn(ref y, 0, by.Slice(0, c));
        if (TMode.AddsToOutput && !TSeparate.Value)
        {
            CopyIn(ref output, 0, bo.Slice(0, c));
        }
        PairBlocks<T, TVec, TFirst, TSecond, TMode, TSeparate>(ref bx[0], ref by[0], ref bo[0], ref bo2[0], 1, in pair, scale1, scale2, rho, ref sums1, ref sums2, c);
        if (TMode.WritesGradient)
        {
            bo.Slice(0, c).CopyTo(MemoryMarshal.CreateSpan(ref output, c));
            if (TSeparate.Value)
            {
                bo2.Slice(0, c).CopyTo(MemoryMarshal.CreateSpan(ref output2, c));
            }
        }
    }
}
