using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>
/// The terms of up to six sums over one row (a row loss's reduction pass): a small ref struct that holds
/// references to the row's inputs and the loss's parameters, and computes the terms at a column on any vector type.
/// </summary>
internal interface IRowTerms<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>How many of the six sums are used (1 to 6); the rest are never added.</summary>
    static abstract int Count { get; }

    /// <summary>The terms of the columns <c>[i, i + TVec.Count)</c> for each sum (those past <see cref="Count"/> are ignored).</summary>
    void Terms<TVec>(nuint i, out RowTerms<TVec> terms) where TVec : struct, IVec<TVec, T>;
}

/// <summary>The terms of a row's sums at some columns, one vector per sum.</summary>
internal struct RowTerms<TVec> where TVec : struct
{
    public TVec S0, S1, S2, S3, S4, S5;
}

/// <summary>A row loss's element-wise pass (its gradient or gradients): writes the columns <c>[i, i + TVec.Count)</c>.</summary>
internal interface IRowMap<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    void Write<TVec>(nuint i) where TVec : struct, IVec<TVec, T>;
}

/// <summary>The sums of one row: up to six, in double.</summary>
internal readonly record struct RowSums(double First, double Second, double Third, double Fourth = 0, double Fifth = 0, double Sixth = 0);

/// <summary>
/// The driver of the row losses that are reductions over a row, a scalar finish, then an element-wise pass: it owns
/// the vectors, the tails and the order of summation, the loss only its terms (<see cref="IRowTerms{T}"/>) and its
/// gradient (<see cref="IRowMap{T}"/>).
/// </summary>
/// <remarks>
/// Order of summation, the same on every path: the row is cut into chunks of L = 64 bytes of lanes (16 floats,
/// 8 doubles); lane j of a sum adds, in double and in order, the terms of columns j, j + L, j + 2L, … (a float term
/// widened exactly); the L lanes are then added in the halving tree of <see cref="PointwiseDriver.CanonicalSum"/>.
/// A path of W lanes runs the L/W parts of a chunk one after the other over the whole row (each part's lanes are
/// independent, so this is the same order, and it needs two registers per sum rather than 2·L/W); the columns past
/// the last whole chunk go through the same terms one at a time (<see cref="WScalar{T}"/>, the same lane bits),
/// as does the whole row on the scalar path. The element-wise pass has no order: it runs W columns at a time and
/// the rest one at a time, each column's bits the same on every path.
/// </remarks>
internal static class RowDriver
{
    /// <summary>The sums of <typeparamref name="TTerms"/> over a row of <paramref name="n"/> columns on the active path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RowSums Sums<T, TTerms>(scoped ref TTerms terms, int n)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TTerms : IRowTerms<T>, allows ref struct
        => KernelPaths.Active switch
        {
            KernelPath.Vector512 => Sums<T, W512<T>, TTerms>(ref terms, n),
            KernelPath.Vector256 => Sums<T, W256<T>, TTerms>(ref terms, n),
            KernelPath.Vector128 => Sums<T, W128<T>, TTerms>(ref terms, n),
            _ => Sums<T, WScalar<T>, TTerms>(ref terms, n),
        };

    /// <summary>Runs <typeparamref name="TMap"/> over a row of <paramref name="n"/> columns on the active path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T, TMap>(scoped ref TMap map, int n)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TMap : IRowMap<T>, allows ref struct
    {
        switch (KernelPaths.Active)
        {
            case KernelPath.Vector512: Map<T, W512<T>, TMap>(ref map, n); break;
            case KernelPath.Vector256: Map<T, W256<T>, TMap>(ref map, n); break;
            case KernelPath.Vector128: Map<T, W128<T>, TMap>(ref map, n); break;
            default: Map<T, WScalar<T>, TMap>(ref map, n); break;
        }
    }

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RowSums Sums<T, TVec, TTerms>(scoped ref TTerms terms, int n)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TTerms : IRowTerms<T>, allows ref struct
    {
        int lanes = PointwiseDriver.Lanes<T>();
        int count = TTerms.Count;
        Span<double> sums = stackalloc double[6 * 16];
        nuint whole = (nuint)(n / lanes * lanes);
        if (TVec.Count == 1)
        {
            sums.Clear();
            whole = 0;
        }
        else
        {
            for (int part = 0; part < lanes; part += TVec.Count)
            {
                TVec l0 = default, h0 = default, l1 = default, h1 = default, l2 = default, h2 = default;
                TVec l3 = default, h3 = default, l4 = default, h4 = default, l5 = default, h5 = default;
                for (nuint c = (nuint)part; c < whole; c += (nuint)lanes)
                {
                    terms.Terms(c, out RowTerms<TVec> t);
                    TVec.Accumulate(ref l0, ref h0, t.S0);
                    if (count > 1) { TVec.Accumulate(ref l1, ref h1, t.S1); }
                    if (count > 2) { TVec.Accumulate(ref l2, ref h2, t.S2); }
                    if (count > 3) { TVec.Accumulate(ref l3, ref h3, t.S3); }
                    if (count > 4) { TVec.Accumulate(ref l4, ref h4, t.S4); }
                    if (count > 5) { TVec.Accumulate(ref l5, ref h5, t.S5); }
                }
                TVec.StoreAccumulator(l0, h0, sums.Slice(part));
                TVec.StoreAccumulator(l1, h1, sums.Slice(16 + part));
                TVec.StoreAccumulator(l2, h2, sums.Slice(32 + part));
                TVec.StoreAccumulator(l3, h3, sums.Slice(48 + part));
                TVec.StoreAccumulator(l4, h4, sums.Slice(64 + part));
                TVec.StoreAccumulator(l5, h5, sums.Slice(80 + part));
            }
        }
        for (nuint i = whole; i < (nuint)n; i++)
        {
            int lane = (int)(i % (nuint)lanes);
            terms.Terms(i, out RowTerms<WScalar<T>> t);
            sums[lane] += Constant.ToDouble(t.S0.V);
            if (count > 1) { sums[16 + lane] += Constant.ToDouble(t.S1.V); }
            if (count > 2) { sums[32 + lane] += Constant.ToDouble(t.S2.V); }
            if (count > 3) { sums[48 + lane] += Constant.ToDouble(t.S3.V); }
            if (count > 4) { sums[64 + lane] += Constant.ToDouble(t.S4.V); }
            if (count > 5) { sums[80 + lane] += Constant.ToDouble(t.S5.V); }
        }
        return new RowSums(Sum(sums, 0, count, lanes), Sum(sums, 1, count, lanes), Sum(sums, 2, count, lanes),
            Sum(sums, 3, count, lanes), Sum(sums, 4, count, lanes), Sum(sums, 5, count, lanes));
    }

    /// <summary>Sum <paramref name="k"/>'s lanes added in the canonical tree (0 for a sum not used).</summary>
    private static double Sum(Span<double> sums, int k, int count, int lanes)
        => k < count ? PointwiseDriver.CanonicalSum(sums.Slice(16 * k, lanes)) : 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<T, TVec, TMap>(scoped ref TMap map, int n)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TMap : IRowMap<T>, allows ref struct
    {
        nuint i = 0, end = (nuint)n;
        if (TVec.Count > 1)
        {
            for (; i + (nuint)TVec.Count <= end; i += (nuint)TVec.Count)
            {
                map.Write<TVec>(i);
            }
        }
        for (; i < end; i++)
        {
            map.Write<WScalar<T>>(i);
        }
    }

    /// <summary>The largest element of a row (NaN if any is NaN): exact, so in any order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Max<T>(ReadOnlySpan<T> row) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T max = T.NegativeInfinity;
        bool nan = false;
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && row.Length >= System.Numerics.Vector<T>.Count)
        {
            ReadOnlySpan<System.Numerics.Vector<T>> vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<T, System.Numerics.Vector<T>>(row);
            System.Numerics.Vector<T> m = new(T.NegativeInfinity);
            foreach (System.Numerics.Vector<T> v in vectors)
            {
                m = System.Numerics.Vector.Max(m, v);
                nan |= !System.Numerics.Vector.EqualsAll(v, v);
            }
            for (int k = 0; k < System.Numerics.Vector<T>.Count; k++)
            {
                max = T.Max(max, m[k]);
            }
            i = vectors.Length * System.Numerics.Vector<T>.Count;
        }
        for (; i < row.Length; i++)
        {
            nan |= T.IsNaN(row[i]);
            max = T.Max(max, row[i]);
        }
        return nan ? T.NaN : max;
    }
}
