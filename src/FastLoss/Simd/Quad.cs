using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastLoss.Simd;

/// <summary>
/// Four vectors of a narrower width acting as one of four times the lanes: lanes <c>[kn, (k+1)n)</c> in field k.
/// The 128-bit path's 64-byte vector: flat, where a pair of pairs nested two levels of structs, which the JIT kept
/// in memory rather than registers (cross-entropy ran 3× slower on 128-bit vectors than on 256-bit ones).
/// </summary>
internal struct Quad<TLow, T> : IVec<Quad<TLow, T>, T>
    where TLow : struct, IVec<TLow, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public TLow A;
    public TLow B;
    public TLow C;
    public TLow D;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Quad(TLow a, TLow b, TLow c, TLow d)
    {
        A = a;
        B = b;
        C = c;
        D = d;
    }

    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 4 * TLow.Count;
    }

    public static bool IsPair
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }


    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> Load(ref T source, nuint index) => new(TLow.Load(ref source, index + (nuint)(0 * TLow.Count)), TLow.Load(ref source, index + (nuint)(1 * TLow.Count)), TLow.Load(ref source, index + (nuint)(2 * TLow.Count)), TLow.Load(ref source, index + (nuint)(3 * TLow.Count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Quad<TLow, T> value, ref T destination, nuint index)
    {
        TLow.Store(value.A, ref destination, index + (nuint)(0 * TLow.Count));
        TLow.Store(value.B, ref destination, index + (nuint)(1 * TLow.Count));
        TLow.Store(value.C, ref destination, index + (nuint)(2 * TLow.Count));
        TLow.Store(value.D, ref destination, index + (nuint)(3 * TLow.Count));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> Create(T value) { TLow v = TLow.Create(value); return new(v, v, v, v); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> CreateConstant(double value) { TLow v = TLow.CreateConstant(value); return new(v, v, v, v); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> CreateBits(long bits) { TLow v = TLow.CreateBits(bits); return new(v, v, v, v); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> operator +(Quad<TLow, T> left, Quad<TLow, T> right) => new(left.A + right.A, left.B + right.B, left.C + right.C, left.D + right.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> operator -(Quad<TLow, T> left, Quad<TLow, T> right) => new(left.A - right.A, left.B - right.B, left.C - right.C, left.D - right.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> operator *(Quad<TLow, T> left, Quad<TLow, T> right) => new(left.A * right.A, left.B * right.B, left.C * right.C, left.D * right.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> operator /(Quad<TLow, T> left, Quad<TLow, T> right) => new(left.A / right.A, left.B / right.B, left.C / right.C, left.D / right.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> operator &(Quad<TLow, T> left, Quad<TLow, T> right) => new(left.A & right.A, left.B & right.B, left.C & right.C, left.D & right.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> operator |(Quad<TLow, T> left, Quad<TLow, T> right) => new(left.A | right.A, left.B | right.B, left.C | right.C, left.D | right.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> operator ^(Quad<TLow, T> left, Quad<TLow, T> right) => new(left.A ^ right.A, left.B ^ right.B, left.C ^ right.C, left.D ^ right.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> operator -(Quad<TLow, T> value) => new(-value.A, -value.B, -value.C, -value.D);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> AndNot(Quad<TLow, T> left, Quad<TLow, T> right) => new(TLow.AndNot(left.A, right.A), TLow.AndNot(left.B, right.B), TLow.AndNot(left.C, right.C), TLow.AndNot(left.D, right.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> MaxSelect(Quad<TLow, T> a, Quad<TLow, T> b) => new(TLow.MaxSelect(a.A, b.A), TLow.MaxSelect(a.B, b.B), TLow.MaxSelect(a.C, b.C), TLow.MaxSelect(a.D, b.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> MinSelect(Quad<TLow, T> a, Quad<TLow, T> b) => new(TLow.MinSelect(a.A, b.A), TLow.MinSelect(a.B, b.B), TLow.MinSelect(a.C, b.C), TLow.MinSelect(a.D, b.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> Equal(Quad<TLow, T> left, Quad<TLow, T> right) => new(TLow.Equal(left.A, right.A), TLow.Equal(left.B, right.B), TLow.Equal(left.C, right.C), TLow.Equal(left.D, right.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> LessThan(Quad<TLow, T> left, Quad<TLow, T> right) => new(TLow.LessThan(left.A, right.A), TLow.LessThan(left.B, right.B), TLow.LessThan(left.C, right.C), TLow.LessThan(left.D, right.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> LessThanOrEqual(Quad<TLow, T> left, Quad<TLow, T> right) => new(TLow.LessThanOrEqual(left.A, right.A), TLow.LessThanOrEqual(left.B, right.B), TLow.LessThanOrEqual(left.C, right.C), TLow.LessThanOrEqual(left.D, right.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> GreaterThan(Quad<TLow, T> left, Quad<TLow, T> right) => new(TLow.GreaterThan(left.A, right.A), TLow.GreaterThan(left.B, right.B), TLow.GreaterThan(left.C, right.C), TLow.GreaterThan(left.D, right.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> GreaterThanOrEqual(Quad<TLow, T> left, Quad<TLow, T> right) => new(TLow.GreaterThanOrEqual(left.A, right.A), TLow.GreaterThanOrEqual(left.B, right.B), TLow.GreaterThanOrEqual(left.C, right.C), TLow.GreaterThanOrEqual(left.D, right.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> AddBits(Quad<TLow, T> left, Quad<TLow, T> right) => new(TLow.AddBits(left.A, right.A), TLow.AddBits(left.B, right.B), TLow.AddBits(left.C, right.C), TLow.AddBits(left.D, right.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> SubtractBits(Quad<TLow, T> left, Quad<TLow, T> right) => new(TLow.SubtractBits(left.A, right.A), TLow.SubtractBits(left.B, right.B), TLow.SubtractBits(left.C, right.C), TLow.SubtractBits(left.D, right.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> MultiplyAdd(Quad<TLow, T> a, Quad<TLow, T> b, Quad<TLow, T> c) => new(TLow.MultiplyAdd(a.A, b.A, c.A), TLow.MultiplyAdd(a.B, b.B, c.B), TLow.MultiplyAdd(a.C, b.C, c.C), TLow.MultiplyAdd(a.D, b.D, c.D));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> MultiplyAddScale(Quad<TLow, T> q, Quad<TLow, T> s) => new(TLow.MultiplyAddScale(q.A, s.A), TLow.MultiplyAddScale(q.B, s.B), TLow.MultiplyAddScale(q.C, s.C), TLow.MultiplyAddScale(q.D, s.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> MultiplyAddDeferred(Quad<TLow, T> a, Quad<TLow, T> b, Quad<TLow, T> c, ref int inexact)
        => new(TLow.MultiplyAddDeferred(a.A, b.A, c.A, ref inexact), TLow.MultiplyAddDeferred(a.B, b.B, c.B, ref inexact),
            TLow.MultiplyAddDeferred(a.C, b.C, c.C, ref inexact), TLow.MultiplyAddDeferred(a.D, b.D, c.D, ref inexact));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> MultiplyAddScaleDeferred(Quad<TLow, T> q, Quad<TLow, T> s, ref int inexact)
        => new(TLow.MultiplyAddScaleDeferred(q.A, s.A, ref inexact), TLow.MultiplyAddScaleDeferred(q.B, s.B, ref inexact),
            TLow.MultiplyAddScaleDeferred(q.C, s.C, ref inexact), TLow.MultiplyAddScaleDeferred(q.D, s.D, ref inexact));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> Sqrt(Quad<TLow, T> value) => new(TLow.Sqrt(value.A), TLow.Sqrt(value.B), TLow.Sqrt(value.C), TLow.Sqrt(value.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> Select(Quad<TLow, T> mask, Quad<TLow, T> whenTrue, Quad<TLow, T> whenFalse) => new(TLow.Select(mask.A, whenTrue.A, whenFalse.A), TLow.Select(mask.B, whenTrue.B, whenFalse.B), TLow.Select(mask.C, whenTrue.C, whenFalse.C), TLow.Select(mask.D, whenTrue.D, whenFalse.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> LaneMask(int start, int end) => new(TLow.LaneMask(start - 0 * TLow.Count, end - 0 * TLow.Count), TLow.LaneMask(start - 1 * TLow.Count, end - 1 * TLow.Count), TLow.LaneMask(start - 2 * TLow.Count, end - 2 * TLow.Count), TLow.LaneMask(start - 3 * TLow.Count, end - 3 * TLow.Count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnySet(Quad<TLow, T> mask) => TLow.AnySet((mask.A | mask.B) | (mask.C | mask.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyGreaterThan(Quad<TLow, T> left, Quad<TLow, T> right) => (TLow.AnyGreaterThan(left.A, right.A) | TLow.AnyGreaterThan(left.B, right.B)) | (TLow.AnyGreaterThan(left.C, right.C) | TLow.AnyGreaterThan(left.D, right.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> ShiftLeftBits(Quad<TLow, T> value, int count) => new(TLow.ShiftLeftBits(value.A, count), TLow.ShiftLeftBits(value.B, count), TLow.ShiftLeftBits(value.C, count), TLow.ShiftLeftBits(value.D, count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> ShiftRightArithmeticBits(Quad<TLow, T> value, int count) => new(TLow.ShiftRightArithmeticBits(value.A, count), TLow.ShiftRightArithmeticBits(value.B, count), TLow.ShiftRightArithmeticBits(value.C, count), TLow.ShiftRightArithmeticBits(value.D, count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> ShiftRightBits(Quad<TLow, T> value, int count) => new(TLow.ShiftRightBits(value.A, count), TLow.ShiftRightBits(value.B, count), TLow.ShiftRightBits(value.C, count), TLow.ShiftRightBits(value.D, count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(ref Quad<TLow, T> low, ref Quad<TLow, T> high, Quad<TLow, T> terms)
    {
        TLow.Accumulate(ref low.A, ref high.A, terms.A);
        TLow.Accumulate(ref low.B, ref high.B, terms.B);
        TLow.Accumulate(ref low.C, ref high.C, terms.C);
        TLow.Accumulate(ref low.D, ref high.D, terms.D);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateBlock(ref Quad<TLow, T> low, ref Quad<TLow, T> high, Quad<TLow, T> t0, Quad<TLow, T> t1, Quad<TLow, T> t2, Quad<TLow, T> t3)
    {
        TLow.AccumulateBlock(ref low.A, ref high.A, t0.A, t1.A, t2.A, t3.A);
        TLow.AccumulateBlock(ref low.B, ref high.B, t0.B, t1.B, t2.B, t3.B);
        TLow.AccumulateBlock(ref low.C, ref high.C, t0.C, t1.C, t2.C, t3.C);
        TLow.AccumulateBlock(ref low.D, ref high.D, t0.D, t1.D, t2.D, t3.D);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAccumulator(Quad<TLow, T> low, Quad<TLow, T> high, Span<double> destination)
    {
        TLow.StoreAccumulator(low.A, high.A, destination[(0 * TLow.Count)..]);
        TLow.StoreAccumulator(low.B, high.B, destination[(1 * TLow.Count)..]);
        TLow.StoreAccumulator(low.C, high.C, destination[(2 * TLow.Count)..]);
        TLow.StoreAccumulator(low.D, high.D, destination[(3 * TLow.Count)..]);
    }
    public static void LoadAccumulator(ReadOnlySpan<double> source, out Quad<TLow, T> low, out Quad<TLow, T> high)
    {
        TLow.LoadAccumulator(source[(0 * TLow.Count)..], out TLow lowA, out TLow highA);
        TLow.LoadAccumulator(source[(1 * TLow.Count)..], out TLow lowB, out TLow highB);
        TLow.LoadAccumulator(source[(2 * TLow.Count)..], out TLow lowC, out TLow highC);
        TLow.LoadAccumulator(source[(3 * TLow.Count)..], out TLow lowD, out TLow highD);
        low = new(lowA, lowB, lowC, lowD);
        high = new(highA, highB, highC, highD);
    }
    public static Quad<TLow, T> Indices
    {
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(TLow.Indices + TLow.Create(Constant.Of<T>(0 * TLow.Count)), TLow.Indices + TLow.Create(Constant.Of<T>(1 * TLow.Count)), TLow.Indices + TLow.Create(Constant.Of<T>(2 * TLow.Count)), TLow.Indices + TLow.Create(Constant.Of<T>(3 * TLow.Count)));
    }
    /// <summary>The halving tree of <see cref="IVec{TSelf, T}.ReduceSum"/>: lanes j and j + 2n (A + C, B + D) first, then j and j + n.</summary>

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceSum(Quad<TLow, T> value) => TLow.ReduceSum((value.A + value.C) + (value.B + value.D));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceMax(Quad<TLow, T> value)
    {
        TLow ac = TLow.Select(TLow.GreaterThan(value.A, value.C), value.A, value.C);
        TLow bd = TLow.Select(TLow.GreaterThan(value.B, value.D), value.B, value.D);
        return TLow.ReduceMax(TLow.Select(TLow.GreaterThan(ac, bd), ac, bd));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<TLow, T> Evaluate<TEvaluator>(ref TEvaluator evaluator, nuint index) where TEvaluator : struct, IEvaluator<T>, allows ref struct
        => new(EvaluatePart(ref evaluator, index + (nuint)(0 * TLow.Count)), EvaluatePart(ref evaluator, index + (nuint)(1 * TLow.Count)), EvaluatePart(ref evaluator, index + (nuint)(2 * TLow.Count)), EvaluatePart(ref evaluator, index + (nuint)(3 * TLow.Count)));
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TLow EvaluatePart<TEvaluator>(ref TEvaluator evaluator, nuint index) where TEvaluator : struct, IEvaluator<T>, allows ref struct
        => TLow.Evaluate(ref evaluator, index);
}
