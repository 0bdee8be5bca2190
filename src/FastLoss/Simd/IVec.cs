using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastLoss.Simd;

/// <summary>
/// A vector of <typeparamref name="T"/> lanes with exactly IEEE 754 lane semantics. Every kernel of the
/// library is written once against this interface; the width-specific types (<see cref="W512{T}"/>,
/// <see cref="W256{T}"/>, <see cref="W128{T}"/>, <see cref="WScalar{T}"/>) and <see cref="Pair{TLow, T}"/>
/// (two narrower vectors that emulate a wider one) map it to hardware.
/// </summary>
/// <remarks>
/// Only operations that are correctly rounded (add, subtract, multiply, divide, square root, fused
/// multiply-add), exact (compare, select, maximum, bitwise, integer arithmetic on the bit patterns) or both are
/// exposed: the same lane inputs give the same lane bits on every width, which is what makes the library's
/// results independent of the CPU. The fused multiply-add is the hardware instruction where there is one and
/// an exact emulation (<see cref="FusedMultiplyAdd"/>) where there is not: both round once.
/// </remarks>
internal interface IVec<TSelf, T>
    where TSelf : struct, IVec<TSelf, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Number of lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Loads <see cref="Count"/> elements starting at <paramref name="source"/> + <paramref name="index"/>.</summary>
    static abstract TSelf Load(ref T source, nuint index);

    /// <summary>Stores the lanes at <paramref name="destination"/> + <paramref name="index"/>.</summary>
    static abstract void Store(TSelf value, ref T destination, nuint index);

    /// <summary>All lanes set to <paramref name="value"/>.</summary>
    static abstract TSelf Create(T value);

    /// <summary>All lanes set to <paramref name="value"/> rounded to T: for constants, in one inline step.</summary>
    static abstract TSelf CreateConstant(double value);

    /// <summary>All lanes set to the bit pattern <paramref name="bits"/> (an int for float lanes, a long for double lanes).</summary>
    static abstract TSelf CreateBits(long bits);

    static abstract TSelf operator +(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf left, TSelf right);
    static abstract TSelf operator *(TSelf left, TSelf right);
    static abstract TSelf operator /(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf value);
    static abstract TSelf operator &(TSelf left, TSelf right);
    static abstract TSelf operator |(TSelf left, TSelf right);
    static abstract TSelf operator ^(TSelf left, TSelf right);

    /// <summary><c>left &amp; ~right</c>, bitwise.</summary>
    static abstract TSelf AndNot(TSelf left, TSelf right);

    /// <summary>
    /// <c>a·b + c</c> rounded once (fused multiply-add): the FMA instruction where the hardware has one, else an
    /// exact emulation, so the bits are the same on every path. Cheap on the AVX2 and AVX-512 paths; on the
    /// paths without FMA it costs several instructions (float) or a call per lane (double).
    /// </summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>
    /// <c>q·s + s</c> rounded once, for <c>s</c> a normal power of two or zero (the last step of the exponentials,
    /// 2^k·(1 + q)): <see cref="MultiplyAdd"/>'s bits, cheaper where it is emulated (see <see cref="FusedMultiplyAdd.SingleScale(float, float)"/>).
    /// </summary>
    static abstract TSelf MultiplyAddScale(TSelf q, TSelf s);

    /// <summary>
    /// Where <see cref="MultiplyAdd"/> is emulated (float without FMA hardware; implemented by <see cref="W128{T}"/> and the
    /// scalar path's <see cref="WScalar{T}"/>, and by <see cref="Pair{TLow, T}"/> and <see cref="Quad{TLow, T}"/> lane by lane):
    /// <c>a·b + c</c> rounded from double without the exact path's test and call, <paramref name="inexact"/> made
    /// non-zero wherever a lane may differ from <see cref="MultiplyAdd"/>'s bits (a float midpoint or a subnormal
    /// result), for the caller to compute the whole vector again with exact steps (<see cref="DeferredSteps"/>).
    /// Elsewhere <see cref="MultiplyAdd"/> itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TSelf MultiplyAddDeferred(TSelf a, TSelf b, TSelf c, ref int inexact) => TSelf.MultiplyAdd(a, b, c);

    /// <summary><see cref="MultiplyAddScale"/> as <see cref="MultiplyAddDeferred"/> is to <see cref="MultiplyAdd"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TSelf MultiplyAddScaleDeferred(TSelf q, TSelf s, ref int inexact) => TSelf.MultiplyAddScale(q, s);

    /// <summary><c>a &gt; b ? a : b</c> per lane (so NaN in either, or equal values, give <paramref name="b"/>): x86's MAXPS.</summary>
    static abstract TSelf MaxSelect(TSelf a, TSelf b);

    /// <summary><c>a &lt; b ? a : b</c> per lane (NaN in either, or equal values, give <paramref name="b"/>): x86's MINPS.</summary>
    static abstract TSelf MinSelect(TSelf a, TSelf b);

    /// <summary>Correctly rounded square root.</summary>
    static abstract TSelf Sqrt(TSelf value);

    /// <summary>Lane masks (all bits set where true); comparisons with NaN are false.</summary>
    static abstract TSelf Equal(TSelf left, TSelf right);
    /// <inheritdoc cref="Equal"/>
    static abstract TSelf LessThan(TSelf left, TSelf right);
    /// <inheritdoc cref="Equal"/>
    static abstract TSelf LessThanOrEqual(TSelf left, TSelf right);
    /// <inheritdoc cref="Equal"/>
    static abstract TSelf GreaterThan(TSelf left, TSelf right);
    /// <inheritdoc cref="Equal"/>
    static abstract TSelf GreaterThanOrEqual(TSelf left, TSelf right);

    /// <summary>Bitwise select: <paramref name="whenTrue"/> where <paramref name="mask"/> bits are set, else <paramref name="whenFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>A mask with lanes <c>[start, end)</c> set.</summary>
    static abstract TSelf LaneMask(int start, int end);

    /// <summary>True if any lane of the mask is set.</summary>
    static abstract bool AnySet(TSelf mask);

    /// <summary>True if <c>left &gt; right</c> in any lane (false for NaN lanes): one compare and a mask test.</summary>
    static abstract bool AnyGreaterThan(TSelf left, TSelf right);

    /// <summary>Integer addition of the lanes' bit patterns (int32 lanes for float, int64 for double).</summary>
    static abstract TSelf AddBits(TSelf left, TSelf right);
    /// <summary>Integer subtraction of the lanes' bit patterns.</summary>
    static abstract TSelf SubtractBits(TSelf left, TSelf right);
    /// <summary>Logical left shift of the lanes' bit patterns.</summary>
    static abstract TSelf ShiftLeftBits(TSelf value, int count);
    /// <summary>Logical right shift of the lanes' bit patterns.</summary>
    static abstract TSelf ShiftRightBits(TSelf value, int count);
    /// <summary>Arithmetic right shift of the lanes' bit patterns (as int32 or int64).</summary>
    static abstract TSelf ShiftRightArithmeticBits(TSelf value, int count);

    /// <summary>
    /// Runs <paramref name="evaluator"/> on the vector at <paramref name="index"/>. A hardware vector runs it
    /// inline; a <see cref="Pair{TLow, T}"/> runs it on each half in a call of its own, so that an expensive
    /// computation is compiled for the narrow type only once and stays within the JIT's inlining limits
    /// (compiled over the pair, it would be twice the size and spill). Lanes, and so results, are the same.
    /// </summary>
    static abstract TSelf Evaluate<TEvaluator>(ref TEvaluator evaluator, nuint index) where TEvaluator : struct, IEvaluator<T>, allows ref struct;

    /// <summary>Whether this is a <see cref="Pair{TLow, T}"/> (a width emulated with narrower vectors).</summary>
    static abstract bool IsPair { get; }

    /// <summary>Lane j holds j.</summary>
    static abstract TSelf Indices { get; }

    /// <summary>
    /// The sum of the lanes in a fixed halving tree: lanes j and j + Count/2 first, and so on down, so that
    /// every width (a wider vector, or a <see cref="Pair{TLow, T}"/> of narrower ones) adds in the same order.
    /// </summary>
    static abstract T ReduceSum(TSelf value);

    /// <summary>The largest lane in the same halving tree as <see cref="ReduceSum"/>, with <c>a &gt; b ? a : b</c> at each step.</summary>
    static abstract T ReduceMax(TSelf value);

    /// <summary>
    /// Adds the lanes of <paramref name="terms"/>, widened to double, to an accumulator made of two vectors
    /// whose bits hold doubles: lanes <c>[0, Count/2)</c> of a float vector go to <paramref name="low"/>, the
    /// rest to <paramref name="high"/>. For double lanes <paramref name="high"/> is unused.
    /// </summary>
    static abstract void Accumulate(ref TSelf low, ref TSelf high, TSelf terms);

    /// <summary>
    /// Adds a block of four term vectors to an accumulator (see <see cref="Accumulate"/>) in the library's order:
    /// per lane s = (t0 + t1) + (t2 + t3) in T, widened for float lanes; a float lane whose s overflowed to ±∞
    /// (from finite terms, or from an infinite one, where the double tree gives the same ∞ or NaN) adds the same
    /// tree taken in double instead. A lane's result never depends on its neighbours.
    /// </summary>
    static abstract void AccumulateBlock(ref TSelf low, ref TSelf high, TSelf t0, TSelf t1, TSelf t2, TSelf t3);

    /// <summary>
    /// Float lanes only: adds the product a·b of each lane to the double accumulator (low, high), the product exact
    /// in double (24 + 24 bits ≤ 53), so that the one rounding is the addition's (a fused multiply-add where the
    /// hardware has one gives the same bits as the multiplication and the addition).
    /// </summary>
    static virtual void AccumulateProduct(ref TSelf low, ref TSelf high, TSelf a, TSelf b) => throw new NotSupportedException();

    /// <summary>Writes the <see cref="Count"/> double lanes of an accumulator in lane order.</summary>
    static abstract void StoreAccumulator(TSelf low, TSelf high, Span<double> destination);

    /// <summary>The inverse of <see cref="StoreAccumulator"/>: an accumulator from <see cref="Count"/> doubles in lane order.</summary>
    static abstract void LoadAccumulator(ReadOnlySpan<double> source, out TSelf low, out TSelf high);
}

/// <summary>A computation on the vector at an index, generic over the vector type (see <see cref="IVec{TSelf, T}.Evaluate"/>).</summary>
internal interface IEvaluator<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    TVec Run<TVec>(nuint index) where TVec : struct, IVec<TVec, T>;
}
