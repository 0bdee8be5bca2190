using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>
/// The terms of up to six sums over a row (a row loss's reduction pass), from up to three inputs the driver loads:
/// a small readonly struct with the loss's parameters (and the row's scalars), computing the terms on any vector type.
/// </summary>
internal interface IRowTerms<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>How many of the six sums are used (1 to 6); the rest are never asked for.</summary>
    static abstract int Count { get; }

    /// <summary>How many of the three inputs are read (1 to 3): the rest are passed as zero and never loaded.</summary>
    static abstract int Inputs { get; }

    /// <summary>
    /// An exp or a log in the terms: the driver then computes a block's terms in a method of its own, one inlined
    /// copy of them in a loop over the block's chunks (inlined four times into the accumulating loop, they ran out of
    /// the JIT's inlining resources and became calls). Cheap terms (a few instructions) are inlined where they are added.
    /// </summary>
    static virtual bool Expensive
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }

    /// <summary>
    /// Whether, for float rows, each sum (at most three) is Σ x_f·x_g of two inputs (<see cref="Factors"/>): every
    /// product exact in double and added in double, in the order of the driver's remarks, instead of terms of T in
    /// blocks. Double rows take <see cref="Term"/> as usual.
    /// </summary>
    static virtual bool Products
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }

    /// <summary>With <see cref="Products"/>: the two inputs (0, 1 or 2) whose products sum <paramref name="sum"/> adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual (int First, int Second) Factors(int sum) => (0, 0);

    /// <summary>
    /// The terms of sum <paramref name="sum"/> (a constant where the driver asks: the choice folds away) at the columns
    /// <c>[i, i + TVec.Count)</c> of the row, from the inputs there (an unused input is zero). Columns past the row's
    /// end may be zero-padded: the driver discards their terms.
    /// </summary>
    TVec Term<TVec>(int sum, TVec x0, TVec x1, TVec x2, nuint i) where TVec : struct, IVec<TVec, T>;
}

/// <summary>A row loss's element-wise pass (its gradients): up to three outputs from up to three inputs at the same columns.</summary>
internal interface IRowMap<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>How many of the three inputs are read (1 to 3): the rest are passed as zero and never loaded.</summary>
    static abstract int Inputs { get; }

    /// <summary>How many of the three outputs the map computes (1 to 3): the driver never stores the rest.</summary>
    static abstract int Outputs { get; }

    /// <summary>An exp or a log in the map: its loop and its tail then run in methods of their own (see <see cref="IRowTerms{T}.Expensive"/>).</summary>
    static virtual bool Expensive
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }

    void Map<TVec>(TVec x0, TVec x1, TVec x2, nuint i, out TVec y0, out TVec y1, out TVec y2) where TVec : struct, IVec<TVec, T>;
}

/// <summary>
/// The sums of one row: up to six, in double (those not used 0). Written field by field into the caller's own variable
/// (an <c>out</c> parameter): returned by value, the 48 bytes went through a hidden buffer and a copy whose wide loads
/// could not forward from the narrow stores just made, a stall per row.
/// </summary>
internal struct RowSums
{
    public double First, Second, Third, Fourth, Fifth, Sixth;
}

/// <summary>
/// The driver of the row losses that are reductions over a row, a scalar finish, then an element-wise pass. It owns
/// the loads and stores, the vectors, the blocks, the padded tails and the order of summation; a loss supplies only
/// its terms (<see cref="IRowTerms{T}"/>) and its gradient (<see cref="IRowMap{T}"/>). Inputs and outputs are given
/// as references to the row's first column (a null reference for one not used: never read or written).
/// </summary>
/// <remarks>
/// Order of summation, the same on every path (that of <see cref="PointwiseDriver"/>, within a row): the row is cut
/// into blocks of four chunks of L = 64 bytes of lanes (16 floats, 8 doubles); lane j of a sum adds the four terms of
/// a block in T as (t₀ + t₁) + (t₂ + t₃) (<see cref="IVec{TSelf, T}.AccumulateBlock"/>: in double where a float sum
/// overflows), the term of chunk c being that of column 4L·b + L·c + j, and adds the block sums in double, in order;
/// the last block is padded with −0.0; the L lanes are then added in the halving tree of
/// <see cref="PointwiseDriver.CanonicalSum"/>. A path of W lanes runs the L/W parts of a chunk one after the other
/// over the row (lanes are independent, so the order is the same, and each sum needs two registers, not 2·L/W). The
/// last block runs on a zero-padded copy of the inputs (or, where the caller says the memory after the row may be
/// read, on the inputs in place), its terms past the row −0.0. The scalar path takes the same
/// blocks one column at a time. Float sums of products (<see cref="IRowTerms{T}.Products"/>) have no blocks: lane j
/// adds the exact products of columns j, j + L, j + 2L, … one after the other in double, from +0 (so the zeros of
/// the padded copy change nothing), and the lanes are added in the same tree. The element-wise pass has no order:
/// W columns at a time, the last ones on a padded copy, each column's bits the same on every path.
/// </remarks>
internal static class RowDriver
{
    /// <summary>
    /// The sums of <paramref name="terms"/> over a row of <paramref name="n"/> columns on the active path.
    /// <paramref name="readable"/>: how many elements from the row's start may be read in every input (the rows after
    /// it in the same array; <paramref name="n"/> or less: the row only). Where the row's padded last block lies
    /// within it, the block is read in place (its lanes past the row dropped, as the padded copy's are) instead of
    /// copied: the same bits, without the copy (a tenth of MultiMargin 256×1000's reduction pass).
    /// </summary>
    /// <remarks>Inlined, so that the path's switch joins the loss's row loop (a call less a row: 3 ns of a row of 64 columns).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sums<T, TTerms>(in TTerms terms, ref T x0, ref T x1, ref T x2, int n, out RowSums sums, int readable = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TTerms : struct, IRowTerms<T>
    {
        switch (KernelPaths.Active)
        {
            case KernelPath.Vector512: Sums<T, W512<T>, TTerms>(in terms, ref x0, ref x1, ref x2, n, readable, out sums); break;
            case KernelPath.Vector256: Sums<T, W256<T>, TTerms>(in terms, ref x0, ref x1, ref x2, n, readable, out sums); break;
            case KernelPath.Vector128: Sums<T, W128<T>, TTerms>(in terms, ref x0, ref x1, ref x2, n, readable, out sums); break;
            default: ScalarSums<T, TTerms>(in terms, ref x0, ref x1, ref x2, n, out sums); break;
        }
    }

    /// <summary>Runs <paramref name="map"/> over a row of <paramref name="n"/> columns on the active path; an output that is a null reference is not written.</summary>
    /// <remarks>Inlined, as <see cref="Sums{T, TTerms}"/> is.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<T, TMap>(in TMap map, ref T x0, ref T x1, ref T x2, ref T y0, ref T y1, ref T y2, int n)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TMap : struct, IRowMap<T>
    {
        switch (KernelPaths.Active)
        {
            case KernelPath.Vector512: Map<T, W512<T>, TMap>(in map, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, n); break;
            case KernelPath.Vector256: Map<T, W256<T>, TMap>(in map, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, n); break;
            case KernelPath.Vector128: Map<T, W128<T>, TMap>(in map, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, n); break;
            default: Map<T, WScalar<T>, TMap>(in map, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, n); break;
        }
    }

    /// <summary>Input <paramref name="input"/> at <paramref name="i"/> if the loss reads that many inputs, else zero (nothing loaded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Load<T, TVec>(int input, int inputs, ref T source, nuint i) where T : unmanaged, IBinaryFloatingPointIeee754<T> where TVec : struct, IVec<TVec, T>
        => input < inputs ? TVec.Load(ref source, i) : default;

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sums<T, TVec, TTerms>(in TTerms terms, ref T x0, ref T x1, ref T x2, int n, int readable, out RowSums result)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TTerms : struct, IRowTerms<T>
    {
        int lanes = PointwiseDriver.Lanes<T>();
        nuint block = 4 * (nuint)lanes;
        nuint whole = (nuint)n / block * block;
        int rest = n - (int)whole;
        Span<double> sums = stackalloc double[6 * 16];
        // The last block's inputs, zero-padded (64 lanes each), or read in place where they lie within the readable
        // memory: its terms past the row are then replaced by −0.0 as the copy's are (Pad). Not for sums of products,
        // which take the copy's zeros as they are.
        Span<T> padded = stackalloc T[3 * 64];
        bool products = typeof(T) == typeof(float) && TTerms.Products;
        bool inPlace = rest != 0 && !products && (long)whole + (long)block <= readable;
        ref T p0 = ref MemoryMarshal.GetReference(padded);
        ref T p1 = ref padded[64], p2 = ref padded[128];
        if (inPlace)
        {
            p0 = ref Unsafe.Add(ref x0, whole);
            p1 = ref Unsafe.Add(ref x1, whole);
            p2 = ref Unsafe.Add(ref x2, whole);
        }
        else if (rest != 0)
        {
            padded.Slice(0, 64 * TTerms.Inputs).Clear();
            CopyIn(ref x0, whole, padded.Slice(0, rest));
            if (TTerms.Inputs > 1) { CopyIn(ref x1, whole, padded.Slice(64, rest)); }
            if (TTerms.Inputs > 2) { CopyIn(ref x2, whole, padded.Slice(128, rest)); }
        }
        Unsafe.SkipInit(out result);
        for (int part = 0; part < lanes; part += TVec.Count)
        {
            // Chosen here, not in Part: a static abstract flag is decided only after inlining, so Part would read and
            // inline its whole cheap loop for expensive terms too (softmax terms: 437 inlinees for 81 bytes of code).
            if (products)
            {
                ProductPart<T, TVec, TTerms>(ref x0, ref x1, ref x2, ref p0, ref p1, ref p2, whole, rest, part, sums, ref result);
            }
            else if (TTerms.Expensive)
            {
                ExpensivePart<T, TVec, TTerms>(in terms, ref x0, ref x1, ref x2, ref p0, ref p1, ref p2, whole, rest, part, sums, ref result);
            }
            else
            {
                Part<T, TVec, TTerms>(in terms, ref x0, ref x1, ref x2, ref p0, ref p1, ref p2, whole, rest, part, sums, ref result);
            }
        }
        if (!InRegisters<T, TVec>())
        {
            Finish(sums, TTerms.Count, lanes, out result);
        }
    }

    /// <summary>
    /// Whether a part holds all L lanes (the 512-bit path): its lane trees are then taken in registers, straight into
    /// the result, not through the lane sums in memory. The same additions in the same order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InRegisters<T, TVec>() where T : unmanaged, IBinaryFloatingPointIeee754<T> where TVec : struct, IVec<TVec, T>
        => typeof(TVec) == typeof(W512<T>);

    /// <summary>A part's accumulators: into the lane sums (<paramref name="sums"/>), or on the 512-bit path through their lane trees into <paramref name="result"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T, TVec>(int count, ref Accumulators<TVec> a, int part, Span<double> sums, ref RowSums result)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
    {
        if (InRegisters<T, TVec>())
        {
            result.First = Tree<T, TVec>(a.L0, a.H0);
            result.Second = count > 1 ? Tree<T, TVec>(a.L1, a.H1) : 0;
            result.Third = count > 2 ? Tree<T, TVec>(a.L2, a.H2) : 0;
            result.Fourth = count > 3 ? Tree<T, TVec>(a.L3, a.H3) : 0;
            result.Fifth = count > 4 ? Tree<T, TVec>(a.L4, a.H4) : 0;
            result.Sixth = count > 5 ? Tree<T, TVec>(a.L5, a.H5) : 0;
            return;
        }
        TVec.StoreAccumulator(a.L0, a.H0, sums.Slice(part));
        if (count > 1) { TVec.StoreAccumulator(a.L1, a.H1, sums.Slice(16 + part)); }
        if (count > 2) { TVec.StoreAccumulator(a.L2, a.H2, sums.Slice(32 + part)); }
        if (count > 3) { TVec.StoreAccumulator(a.L3, a.H3, sums.Slice(48 + part)); }
        if (count > 4) { TVec.StoreAccumulator(a.L4, a.H4, sums.Slice(64 + part)); }
        if (count > 5) { TVec.StoreAccumulator(a.L5, a.H5, sums.Slice(80 + part)); }
    }

    /// <summary>
    /// <see cref="PointwiseDriver.CanonicalSum"/> of a 512-bit accumulator's L lanes in registers: lanes j and j + L/2
    /// (float: low + high; double: the two halves of low), then halves down to the last pair.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Tree<T, TVec>(TVec low, TVec high) where T : unmanaged, IBinaryFloatingPointIeee754<T> where TVec : struct, IVec<TVec, T>
    {
        Vector512<double> l = Unsafe.BitCast<TVec, Vector512<double>>(low);
        Vector256<double> quarter;
        if (typeof(T) == typeof(float))
        {
            Vector512<double> half = l + Unsafe.BitCast<TVec, Vector512<double>>(high);
            quarter = half.GetLower() + half.GetUpper();
        }
        else
        {
            quarter = l.GetLower() + l.GetUpper();
        }
        Vector128<double> pair = quarter.GetLower() + quarter.GetUpper();
        return pair.GetElement(0) + pair.GetElement(1);
    }

    /// <summary>One part's lanes over the row: its accumulators in registers (a (low, high) pair of double lanes per sum), then <see cref="Store"/>d.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Part<T, TVec, TTerms>(in TTerms terms, ref T x0, ref T x1, ref T x2, ref T p0, ref T p1, ref T p2, nuint whole, int rest, int part, Span<double> sums, ref RowSums result)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TTerms : struct, IRowTerms<T>
    {
        nuint chunk = (nuint)PointwiseDriver.Lanes<T>(), block = 4 * chunk;
        int count = TTerms.Count;
        TVec l0 = default, h0 = default, l1 = default, h1 = default, l2 = default, h2 = default;
        TVec l3 = default, h3 = default, l4 = default, h4 = default, l5 = default, h5 = default;
        for (nuint b = 0; b < whole; b += block)
        {
            nuint i = b + (nuint)part;
            TVec a0 = Load<T, TVec>(0, TTerms.Inputs, ref x0, i), a1 = Load<T, TVec>(1, TTerms.Inputs, ref x1, i), a2 = Load<T, TVec>(2, TTerms.Inputs, ref x2, i);
            TVec b0 = Load<T, TVec>(0, TTerms.Inputs, ref x0, i + chunk), b1 = Load<T, TVec>(1, TTerms.Inputs, ref x1, i + chunk), b2 = Load<T, TVec>(2, TTerms.Inputs, ref x2, i + chunk);
            TVec c0 = Load<T, TVec>(0, TTerms.Inputs, ref x0, i + 2 * chunk), c1 = Load<T, TVec>(1, TTerms.Inputs, ref x1, i + 2 * chunk), c2 = Load<T, TVec>(2, TTerms.Inputs, ref x2, i + 2 * chunk);
            TVec d0 = Load<T, TVec>(0, TTerms.Inputs, ref x0, i + 3 * chunk), d1 = Load<T, TVec>(1, TTerms.Inputs, ref x1, i + 3 * chunk), d2 = Load<T, TVec>(2, TTerms.Inputs, ref x2, i + 3 * chunk);
            Add<T, TVec, TTerms, No>(in terms, 0, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, i, chunk, 0, ref l0, ref h0);
            if (count > 1) { Add<T, TVec, TTerms, No>(in terms, 1, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, i, chunk, 0, ref l1, ref h1); }
            if (count > 2) { Add<T, TVec, TTerms, No>(in terms, 2, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, i, chunk, 0, ref l2, ref h2); }
            if (count > 3) { Add<T, TVec, TTerms, No>(in terms, 3, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, i, chunk, 0, ref l3, ref h3); }
            if (count > 4) { Add<T, TVec, TTerms, No>(in terms, 4, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, i, chunk, 0, ref l4, ref h4); }
            if (count > 5) { Add<T, TVec, TTerms, No>(in terms, 5, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, i, chunk, 0, ref l5, ref h5); }
        }
        // The accumulators go to the tail in a struct of their own: passed by reference to a call themselves, they
        // would live in memory for the whole loop above (each block a store and a reload on its chain).
        Unsafe.SkipInit(out Accumulators<TVec> a);
        a.L0 = l0; a.H0 = h0;
        if (count > 1) { a.L1 = l1; a.H1 = h1; }
        if (count > 2) { a.L2 = l2; a.H2 = h2; }
        if (count > 3) { a.L3 = l3; a.H3 = h3; }
        if (count > 4) { a.L4 = l4; a.H4 = h4; }
        if (count > 5) { a.L5 = l5; a.H5 = h5; }
        PartEnd<T, TVec, TTerms>(in terms, ref p0, ref p1, ref p2, whole, rest, part, sums, ref a, ref result);
    }

    /// <summary>
    /// One part's lanes over a float row of <see cref="IRowTerms{T}.Products"/>: each chunk's products added to the
    /// double accumulators (no blocks in T, so no overflow test), the whole blocks then the zero-padded last one.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ProductPart<T, TVec, TTerms>(ref T x0, ref T x1, ref T x2, ref T p0, ref T p1, ref T p2, nuint whole, int rest, int part, Span<double> sums, ref RowSums result)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TTerms : struct, IRowTerms<T>
    {
        if (TTerms.Count > 3)
        {
            throw new NotSupportedException("sums of products: at most three");
        }
        nuint chunk = (nuint)PointwiseDriver.Lanes<T>(), block = 4 * chunk;
        TVec l0 = default, h0 = default, l1 = default, h1 = default, l2 = default, h2 = default;
        // The row's whole blocks chunk by chunk, then the padded copy's block. Zeros past the row's end: their
        // products are +0, which leaves a sum unchanged (a sum that starts at +0 is never −0). One loop body: with the
        // chunk's code inlined at more sites, the JIT kept the accumulators in memory (a store and a reload a chain).
        ref T s0 = ref x0, s1 = ref x1, s2 = ref x2;
        nuint end = whole;
        for (bool padded = false; ; padded = true)
        {
            for (nuint i = (nuint)part; i < end; i += chunk)
            {
                TVec v0 = Load<T, TVec>(0, TTerms.Inputs, ref s0, i), v1 = Load<T, TVec>(1, TTerms.Inputs, ref s1, i), v2 = Load<T, TVec>(2, TTerms.Inputs, ref s2, i);
                TVec.AccumulateProduct(ref l0, ref h0, Factor<T, TVec, TTerms>(0, 0, v0, v1, v2), Factor<T, TVec, TTerms>(0, 1, v0, v1, v2));
                if (TTerms.Count > 1) { TVec.AccumulateProduct(ref l1, ref h1, Factor<T, TVec, TTerms>(1, 0, v0, v1, v2), Factor<T, TVec, TTerms>(1, 1, v0, v1, v2)); }
                if (TTerms.Count > 2) { TVec.AccumulateProduct(ref l2, ref h2, Factor<T, TVec, TTerms>(2, 0, v0, v1, v2), Factor<T, TVec, TTerms>(2, 1, v0, v1, v2)); }
            }
            if (padded || rest == 0)
            {
                break;
            }
            s0 = ref p0;
            s1 = ref p1;
            s2 = ref p2;
            end = block;
        }
        Unsafe.SkipInit(out Accumulators<TVec> a);
        a.L0 = l0; a.H0 = h0; a.L1 = l1; a.H1 = h1; a.L2 = l2; a.H2 = h2;
        Store<T, TVec>(TTerms.Count, ref a, part, sums, ref result);
    }

    /// <summary>Factor <paramref name="which"/> (0 or 1) of sum <paramref name="sum"/>'s products: the input <see cref="IRowTerms{T}.Factors"/> names.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Factor<T, TVec, TTerms>(int sum, int which, TVec v0, TVec v1, TVec v2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TTerms : struct, IRowTerms<T>
    {
        (int first, int second) = TTerms.Factors(sum);
        int input = which == 0 ? first : second;
        return input == 0 ? v0 : input == 1 ? v1 : v2;
    }

    /// <summary>The accumulators of one part: a (low, high) pair of double lanes per sum (those of the unused sums never set).</summary>
    private struct Accumulators<TVec>
    {
        public TVec L0, H0, L1, H1, L2, H2, L3, H3, L4, H4, L5, H5;
    }

    /// <summary>The end of one part: the padded last block (if any), then the accumulators <see cref="Store"/>d.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PartEnd<T, TVec, TTerms>(in TTerms terms, ref T p0, ref T p1, ref T p2, nuint whole, int rest, int part, Span<double> sums, ref Accumulators<TVec> a, ref RowSums result)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TTerms : struct, IRowTerms<T>
    {
        int count = TTerms.Count;
        if (rest != 0)
        {
            PaddedBlock<T, TVec, TTerms>(in terms, ref p0, ref p1, ref p2, whole, rest, part,
                ref a.L0, ref a.H0, ref a.L1, ref a.H1, ref a.L2, ref a.H2, ref a.L3, ref a.H3, ref a.L4, ref a.H4, ref a.L5, ref a.H5);
        }
        Store<T, TVec>(count, ref a, part, sums, ref result);
    }

    /// <summary>
    /// <see cref="Part"/> for expensive terms: each block's terms from <see cref="BlockTerms"/> (into a small buffer,
    /// sum by sum and chunk by chunk), then added in the same order as the cheap path adds them.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ExpensivePart<T, TVec, TTerms>(in TTerms terms, ref T x0, ref T x1, ref T x2, ref T p0, ref T p1, ref T p2, nuint whole, int rest, int part, Span<double> sums, ref RowSums result)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TTerms : struct, IRowTerms<T>
    {
        nuint chunk = (nuint)PointwiseDriver.Lanes<T>(), block = 4 * chunk, w = (nuint)TVec.Count;
        int count = TTerms.Count;
        Span<T> buffer = stackalloc T[6 * 4 * 16];
        ref T t = ref MemoryMarshal.GetReference(buffer);
        TVec l0 = default, h0 = default, l1 = default, h1 = default, l2 = default, h2 = default;
        TVec l3 = default, h3 = default, l4 = default, h4 = default, l5 = default, h5 = default;
        int valid = int.MaxValue;
        for (nuint b = 0; b <= whole; b += block)
        {
            bool padded = b == whole;
            if (padded && rest == 0)
            {
                break;
            }
            nuint i = (padded ? 0 : b) + (nuint)part;
            if (padded)
            {
                valid = rest - part;
                BlockTerms<T, TVec, TTerms>(in terms, ref p0, ref p1, ref p2, i, whole + (nuint)part, chunk, ref t);
            }
            else
            {
                BlockTerms<T, TVec, TTerms>(in terms, ref x0, ref x1, ref x2, i, i, chunk, ref t);
            }
            AddStored<T, TVec>(ref t, 0, valid, ref l0, ref h0);
            if (count > 1) { AddStored<T, TVec>(ref t, 1, valid, ref l1, ref h1); }
            if (count > 2) { AddStored<T, TVec>(ref t, 2, valid, ref l2, ref h2); }
            if (count > 3) { AddStored<T, TVec>(ref t, 3, valid, ref l3, ref h3); }
            if (count > 4) { AddStored<T, TVec>(ref t, 4, valid, ref l4, ref h4); }
            if (count > 5) { AddStored<T, TVec>(ref t, 5, valid, ref l5, ref h5); }
        }
        Accumulators<TVec> a = new() { L0 = l0, H0 = h0, L1 = l1, H1 = h1, L2 = l2, H2 = h2, L3 = l3, H3 = h3, L4 = l4, H4 = h4, L5 = l5, H5 = h5 };
        Store<T, TVec>(count, ref a, part, sums, ref result);
    }

    /// <summary>
    /// Sum <paramref name="k"/>'s block from <see cref="BlockTerms"/>'s buffer, added as <see cref="IVec{TSelf, T}.AccumulateBlock"/>
    /// does; lanes from <paramref name="valid"/> columns into the block on (the padded last block) −0.0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddStored<T, TVec>(ref T t, int k, int valid, ref TVec low, ref TVec high)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
    {
        nuint w = (nuint)TVec.Count, at = (nuint)(4 * k) * w;
        TVec t0 = TVec.Load(ref t, at), t1 = TVec.Load(ref t, at + w), t2 = TVec.Load(ref t, at + 2 * w), t3 = TVec.Load(ref t, at + 3 * w);
        if (valid != int.MaxValue)
        {
            Pad<T, TVec>(ref t0, ref t1, ref t2, ref t3, valid);
        }
        TVec.AccumulateBlock(ref low, ref high, t0, t1, t2, t3);
    }

    /// <summary>The four chunks' terms of a padded block with the lanes from <paramref name="valid"/> columns into the block on −0.0 (the identity).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pad<T, TVec>(ref TVec t0, ref TVec t1, ref TVec t2, ref TVec t3, int valid)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
    {
        int width = TVec.Count, l = PointwiseDriver.Lanes<T>();
        TVec negativeZero = TVec.CreateConstant(-0.0);
        t0 = TVec.Select(TVec.LaneMask(0, Math.Clamp(valid, 0, width)), t0, negativeZero);
        t1 = TVec.Select(TVec.LaneMask(0, Math.Clamp(valid - l, 0, width)), t1, negativeZero);
        t2 = TVec.Select(TVec.LaneMask(0, Math.Clamp(valid - 2 * l, 0, width)), t2, negativeZero);
        t3 = TVec.Select(TVec.LaneMask(0, Math.Clamp(valid - 3 * l, 0, width)), t3, negativeZero);
    }

    /// <summary>One block's terms of every sum, the operator inlined once in a loop over the four chunks: sum k, chunk c at (4k + c)·W.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BlockTerms<T, TVec, TTerms>(in TTerms terms, ref T x0, ref T x1, ref T x2, nuint i, nuint column, nuint chunk, ref T t)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TTerms : struct, IRowTerms<T>
    {
        nuint w = (nuint)TVec.Count;
        int count = TTerms.Count;
        for (nuint c = 0; c < 4; c++)
        {
            nuint at = i + c * chunk, col = column + c * chunk;
            TVec a0 = Load<T, TVec>(0, TTerms.Inputs, ref x0, at), a1 = Load<T, TVec>(1, TTerms.Inputs, ref x1, at), a2 = Load<T, TVec>(2, TTerms.Inputs, ref x2, at);
            TVec.Store(terms.Term(0, a0, a1, a2, col), ref t, c * w);
            if (count > 1) { TVec.Store(terms.Term(1, a0, a1, a2, col), ref t, (4 + c) * w); }
            if (count > 2) { TVec.Store(terms.Term(2, a0, a1, a2, col), ref t, (8 + c) * w); }
            if (count > 3) { TVec.Store(terms.Term(3, a0, a1, a2, col), ref t, (12 + c) * w); }
            if (count > 4) { TVec.Store(terms.Term(4, a0, a1, a2, col), ref t, (16 + c) * w); }
            if (count > 5) { TVec.Store(terms.Term(5, a0, a1, a2, col), ref t, (20 + c) * w); }
        }
    }

    /// <summary>The padded last block of one part (a call of its own: inlined, it took the JIT's inlining budget from the stores after it).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PaddedBlock<T, TVec, TTerms>(in TTerms terms, ref T p0, ref T p1, ref T p2, nuint whole, int rest, int part,
        ref TVec l0, ref TVec h0, ref TVec l1, ref TVec h1, ref TVec l2, ref TVec h2, ref TVec l3, ref TVec h3, ref TVec l4, ref TVec h4, ref TVec l5, ref TVec h5)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TTerms : struct, IRowTerms<T>
    {
        nuint chunk = (nuint)PointwiseDriver.Lanes<T>();
        int count = TTerms.Count;
        // The padded last block: lanes at or past the row's end add −0.0 (the identity).
        nuint i = (nuint)part, column = whole + i;
        TVec a0 = Load<T, TVec>(0, TTerms.Inputs, ref p0, i), a1 = Load<T, TVec>(1, TTerms.Inputs, ref p1, i), a2 = Load<T, TVec>(2, TTerms.Inputs, ref p2, i);
        TVec b0 = Load<T, TVec>(0, TTerms.Inputs, ref p0, i + chunk), b1 = Load<T, TVec>(1, TTerms.Inputs, ref p1, i + chunk), b2 = Load<T, TVec>(2, TTerms.Inputs, ref p2, i + chunk);
        TVec c0 = Load<T, TVec>(0, TTerms.Inputs, ref p0, i + 2 * chunk), c1 = Load<T, TVec>(1, TTerms.Inputs, ref p1, i + 2 * chunk), c2 = Load<T, TVec>(2, TTerms.Inputs, ref p2, i + 2 * chunk);
        TVec d0 = Load<T, TVec>(0, TTerms.Inputs, ref p0, i + 3 * chunk), d1 = Load<T, TVec>(1, TTerms.Inputs, ref p1, i + 3 * chunk), d2 = Load<T, TVec>(2, TTerms.Inputs, ref p2, i + 3 * chunk);
        int valid = rest - part;
        Add<T, TVec, TTerms, Yes>(in terms, 0, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, column, chunk, valid, ref l0, ref h0);
        if (count > 1) { Add<T, TVec, TTerms, Yes>(in terms, 1, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, column, chunk, valid, ref l1, ref h1); }
        if (count > 2) { Add<T, TVec, TTerms, Yes>(in terms, 2, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, column, chunk, valid, ref l2, ref h2); }
        if (count > 3) { Add<T, TVec, TTerms, Yes>(in terms, 3, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, column, chunk, valid, ref l3, ref h3); }
        if (count > 4) { Add<T, TVec, TTerms, Yes>(in terms, 4, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, column, chunk, valid, ref l4, ref h4); }
        if (count > 5) { Add<T, TVec, TTerms, Yes>(in terms, 5, a0, a1, a2, b0, b1, b2, c0, c1, c2, d0, d1, d2, column, chunk, valid, ref l5, ref h5); }
    }

    /// <summary>
    /// Sum <paramref name="sum"/>'s block of one part: the terms of its four chunks (columns from <paramref name="column"/>,
    /// L apart) added as <see cref="IVec{TSelf, T}.AccumulateBlock"/> does; padded, the lanes from <paramref name="valid"/>
    /// columns into the block on are −0.0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add<T, TVec, TTerms, TPadded>(in TTerms terms, int sum, TVec a0, TVec a1, TVec a2, TVec b0, TVec b1, TVec b2,
        TVec c0, TVec c1, TVec c2, TVec d0, TVec d1, TVec d2, nuint column, nuint chunk, int valid, ref TVec low, ref TVec high)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TTerms : struct, IRowTerms<T>
        where TPadded : struct, IFlag
    {
        TVec t0 = terms.Term(sum, a0, a1, a2, column);
        TVec t1 = terms.Term(sum, b0, b1, b2, column + chunk);
        TVec t2 = terms.Term(sum, c0, c1, c2, column + 2 * chunk);
        TVec t3 = terms.Term(sum, d0, d1, d2, column + 3 * chunk);
        if (TPadded.Value)
        {
            Pad<T, TVec>(ref t0, ref t1, ref t2, ref t3, valid);
        }
        TVec.AccumulateBlock(ref low, ref high, t0, t1, t2, t3);
    }

    /// <summary>The scalar path: the same blocks one column at a time, each lane's block sum as the vectors take it.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScalarSums<T, TTerms>(in TTerms terms, ref T x0, ref T x1, ref T x2, int n, out RowSums result)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TTerms : struct, IRowTerms<T>
    {
        int lanes = PointwiseDriver.Lanes<T>(), block = 4 * lanes, count = TTerms.Count;
        Span<double> sums = stackalloc double[6 * 16];
        sums.Clear();
        if (typeof(T) == typeof(float) && TTerms.Products)
        {
            // Each lane's products in column order, as the vectors add them: lane by lane, its sums in registers.
            for (int lane = 0; lane < lanes; lane++)
            {
                double s0 = 0, s1 = 0, s2 = 0;
                for (int column = lane; column < n; column += lanes)
                {
                    nuint i = (nuint)column;
                    WScalar<T> v0 = Load<T, WScalar<T>>(0, TTerms.Inputs, ref x0, i), v1 = Load<T, WScalar<T>>(1, TTerms.Inputs, ref x1, i), v2 = Load<T, WScalar<T>>(2, TTerms.Inputs, ref x2, i);
                    s0 += ScalarProduct<T, TTerms>(0, v0, v1, v2);
                    if (count > 1) { s1 += ScalarProduct<T, TTerms>(1, v0, v1, v2); }
                    if (count > 2) { s2 += ScalarProduct<T, TTerms>(2, v0, v1, v2); }
                }
                sums[lane] = s0;
                sums[16 + lane] = s1;
                sums[32 + lane] = s2;
            }
            Finish(sums, count, lanes, out result);
            return;
        }
        Span<T> buffer = stackalloc T[6 * 64];
        for (int start = 0; start < n; start += block)
        {
            buffer.Fill(Constant.Of<T>(-0.0));
            int end = Math.Min(n, start + block);
            for (int column = start; column < end; column++)
            {
                nuint i = (nuint)column;
                WScalar<T> v0 = Load<T, WScalar<T>>(0, TTerms.Inputs, ref x0, i), v1 = Load<T, WScalar<T>>(1, TTerms.Inputs, ref x1, i), v2 = Load<T, WScalar<T>>(2, TTerms.Inputs, ref x2, i);
                int k = column - start;
                for (int sum = 0; sum < count; sum++)
                {
                    buffer[64 * sum + k] = terms.Term(sum, v0, v1, v2, i).V;
                }
            }
            for (int s = 0; s < count; s++)
            {
                Span<T> b = buffer.Slice(64 * s);
                for (int j = 0; j < lanes; j++)
                {
                    sums[16 * s + j] += PointwiseDriver.BlockSum(b[j], b[lanes + j], b[2 * lanes + j], b[3 * lanes + j]);
                }
            }
        }
        Finish(sums, count, lanes, out result);
    }

    /// <summary>Sum <paramref name="sum"/>'s product of one column (its factors as <see cref="Factor"/> picks them), exact in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ScalarProduct<T, TTerms>(int sum, WScalar<T> v0, WScalar<T> v1, WScalar<T> v2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TTerms : struct, IRowTerms<T>
        => double.CreateTruncating(Factor<T, WScalar<T>, TTerms>(sum, 0, v0, v1, v2).V) * double.CreateTruncating(Factor<T, WScalar<T>, TTerms>(sum, 1, v0, v1, v2).V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Span<double> sums, int count, int lanes, out RowSums result)
    {
        result.First = Sum(sums, 0, count, lanes);
        result.Second = Sum(sums, 1, count, lanes);
        result.Third = Sum(sums, 2, count, lanes);
        result.Fourth = Sum(sums, 3, count, lanes);
        result.Fifth = Sum(sums, 4, count, lanes);
        result.Sixth = Sum(sums, 5, count, lanes);
    }

    /// <summary>Sum <paramref name="k"/>'s lanes added in the canonical tree (0 for a sum not used).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Sum(Span<double> sums, int k, int count, int lanes)
        => k < count ? PointwiseDriver.CanonicalSum(sums.Slice(16 * k, lanes)) : 0;

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<T, TVec, TMap>(in TMap map, ref T x0, ref T x1, ref T x2, ref T y0, ref T y1, ref T y2, int n)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TMap : struct, IRowMap<T>
    {
        // A copy of its own: the map's fields in registers, not reloaded after every store (which might alias them).
        TMap m = map;
        nuint i = 0, width = (nuint)TVec.Count, end = (nuint)n;
        if (TMap.Expensive)
        {
            i = MapLoop<T, TVec, TMap>(in m, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, end);
        }
        else
        {
            // Four vectors an iteration: the map's constants are broadcast once for the four (the JIT does not hoist
            // them out of the loop, but shares them within an iteration).
            for (; i + 4 * width <= end; i += 4 * width)
            {
                MapAt<T, TVec, TMap>(in m, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, i, i);
                MapAt<T, TVec, TMap>(in m, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, i + width, i + width);
                MapAt<T, TVec, TMap>(in m, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, i + 2 * width, i + 2 * width);
                MapAt<T, TVec, TMap>(in m, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, i + 3 * width, i + 3 * width);
            }
            for (; i + width <= end; i += width)
            {
                MapAt<T, TVec, TMap>(in m, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, i, i);
            }
        }
        if (i < end)
        {
            int rest = (int)(end - i);
            if (n >= TVec.Count && Separate(ref y0, ref x0, ref x1, ref x2, n) && Separate(ref y1, ref x0, ref x1, ref x2, n) && Separate(ref y2, ref x0, ref x1, ref x2, n))
            {
                // The last W columns again, overlapping the previous vector: each column's output is a function of
                // its own inputs only, and no output is an input, so writing a column twice writes the same bits.
                nuint last = end - width;
                MapOne<T, TVec, TMap>(in m, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, last, last);
                return;
            }
            // In place (or shorter than a vector): the last columns on a zero-padded copy, only the valid outputs copied back.
            Span<T> buffer = stackalloc T[6 * 64];
            buffer.Slice(0, 64 * TMap.Inputs).Clear();
            CopyIn(ref x0, i, buffer.Slice(0, rest));
            if (TMap.Inputs > 1) { CopyIn(ref x1, i, buffer.Slice(64, rest)); }
            if (TMap.Inputs > 2) { CopyIn(ref x2, i, buffer.Slice(128, rest)); }
            MapOne<T, TVec, TMap>(in m, ref buffer[0], ref buffer[64], ref buffer[128],
                ref Padded(ref y0, buffer, 192), ref Padded(ref y1, buffer, 256), ref Padded(ref y2, buffer, 320), 0, i);
            CopyOut(buffer.Slice(192, rest), ref y0, i);
            CopyOut(buffer.Slice(256, rest), ref y1, i);
            CopyOut(buffer.Slice(320, rest), ref y2, i);
        }
    }

    /// <summary>Whether output <paramref name="y"/> (n elements, or none) shares no memory with the inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Separate<T>(ref T y, ref T x0, ref T x1, ref T x2, int n)
        => Unsafe.IsNullRef(ref y) || (Apart(ref y, ref x0, n) && Apart(ref y, ref x1, n) && Apart(ref y, ref x2, n));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Apart<T>(ref T a, ref T b, int n)
    {
        if (Unsafe.IsNullRef(ref b))
        {
            return true;
        }
        nint bytes = (nint)n * Unsafe.SizeOf<T>(), offset = Unsafe.ByteOffset(ref a, ref b);
        return offset >= bytes || offset <= -bytes;
    }

    /// <summary>The whole vectors of an expensive map (one inlined copy of it); returns the first column not mapped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static nuint MapLoop<T, TVec, TMap>(in TMap map, ref T x0, ref T x1, ref T x2, ref T y0, ref T y1, ref T y2, nuint end)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TMap : struct, IRowMap<T>
    {
        TMap m = map;
        nuint i = 0, width = (nuint)TVec.Count;
        for (; i + width <= end; i += width)
        {
            MapAt<T, TVec, TMap>(in m, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, i, i);
        }
        return i;
    }

    /// <summary>One vector of the tail: inlined for a cheap map, a call of its own for an expensive one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MapOne<T, TVec, TMap>(in TMap map, ref T x0, ref T x1, ref T x2, ref T y0, ref T y1, ref T y2, nuint i, nuint column)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TMap : struct, IRowMap<T>
    {
        if (TMap.Expensive)
        {
            MapCall<T, TVec, TMap>(in map, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, i, column);
        }
        else
        {
            MapAt<T, TVec, TMap>(in map, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, i, column);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MapCall<T, TVec, TMap>(in TMap map, ref T x0, ref T x1, ref T x2, ref T y0, ref T y1, ref T y2, nuint i, nuint column)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TMap : struct, IRowMap<T>
        => MapAt<T, TVec, TMap>(in map, ref x0, ref x1, ref x2, ref y0, ref y1, ref y2, i, column);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MapAt<T, TVec, TMap>(in TMap map, ref T x0, ref T x1, ref T x2, ref T y0, ref T y1, ref T y2, nuint i, nuint column)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVec : struct, IVec<TVec, T>
        where TMap : struct, IRowMap<T>
    {
        // Every input loaded before any output is stored: an output may be its input's very memory (in place).
        map.Map(Load<T, TVec>(0, TMap.Inputs, ref x0, i), Load<T, TVec>(1, TMap.Inputs, ref x1, i), Load<T, TVec>(2, TMap.Inputs, ref x2, i), column, out TVec o0, out TVec o1, out TVec o2);
        if (!Unsafe.IsNullRef(ref y0)) { TVec.Store(o0, ref y0, i); }
        if (TMap.Outputs > 1 && !Unsafe.IsNullRef(ref y1)) { TVec.Store(o1, ref y1, i); }
        if (TMap.Outputs > 2 && !Unsafe.IsNullRef(ref y2)) { TVec.Store(o2, ref y2, i); }
    }

    /// <summary>The padded copy's slot for an input or output, or the null reference where the row has none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T Padded<T>(ref T original, Span<T> buffer, int offset)
        => ref Unsafe.IsNullRef(ref original) ? ref Unsafe.NullRef<T>() : ref buffer[offset];

    private static void CopyIn<T>(ref T source, nuint start, Span<T> destination)
    {
        if (!Unsafe.IsNullRef(ref source))
        {
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref source, start), destination.Length).CopyTo(destination);
        }
    }

    private static void CopyOut<T>(Span<T> source, ref T destination, nuint start)
    {
        if (!Unsafe.IsNullRef(ref destination))
        {
            source.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref destination, start), source.Length));
        }
    }

    /// <summary>The largest element of a row (NaN if any is NaN): exact, so in any order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Max<T>(ReadOnlySpan<T> row) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T max = T.NegativeInfinity;
        bool nan = false;
        int i = 0;
        if (Vector.IsHardwareAccelerated && row.Length >= Vector<T>.Count)
        {
            ReadOnlySpan<Vector<T>> vectors = MemoryMarshal.Cast<T, Vector<T>>(row);
            Vector<T> m = new(T.NegativeInfinity);
            foreach (Vector<T> v in vectors)
            {
                m = Vector.Max(m, v);
                nan |= !Vector.EqualsAll(v, v);
            }
            for (int k = 0; k < Vector<T>.Count; k++)
            {
                max = T.Max(max, m[k]);
            }
            i = vectors.Length * Vector<T>.Count;
        }
        for (; i < row.Length; i++)
        {
            nan |= T.IsNaN(row[i]);
            max = T.Max(max, row[i]);
        }
        return nan ? T.NaN : max;
    }
}
