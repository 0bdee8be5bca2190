using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastLoss.Simd;

/// <summary>
/// Two vectors of a narrower width acting as one of twice the lanes: lanes <c>[0, n)</c> in
/// <see cref="A"/>, <c>[n, 2n)</c> in <see cref="B"/>. This is how a path narrower than the library's
/// logical width (64 bytes) performs exactly the same lane operations as the widest one.
/// </summary>
internal struct Pair<TLow, T> : IVec<Pair<TLow, T>, T>
    where TLow : struct, IVec<TLow, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public TLow A;
    public TLow B;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Pair(TLow a, TLow b)
    {
        A = a;
        B = b;
    }

    public static int Count

    {

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        get => 2 * TLow.Count;

    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> Load(ref T source, nuint index)
        => new(TLow.Load(ref source, index), TLow.Load(ref source, index + (nuint)TLow.Count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Pair<TLow, T> value, ref T destination, nuint index)
    {
        TLow.Store(value.A, ref destination, index);
        TLow.Store(value.B, ref destination, index + (nuint)TLow.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> Create(T value) { TLow v = TLow.Create(value); return new(v, v); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> CreateConstant(double value) { TLow v = TLow.CreateConstant(value); return new(v, v); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> CreateBits(long bits) { TLow v = TLow.CreateBits(bits); return new(v, v); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> operator +(Pair<TLow, T> left, Pair<TLow, T> right) => new(left.A + right.A, left.B + right.B);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> operator -(Pair<TLow, T> left, Pair<TLow, T> right) => new(left.A - right.A, left.B - right.B);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> operator *(Pair<TLow, T> left, Pair<TLow, T> right) => new(left.A * right.A, left.B * right.B);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> operator /(Pair<TLow, T> left, Pair<TLow, T> right) => new(left.A / right.A, left.B / right.B);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> operator -(Pair<TLow, T> value) => new(-value.A, -value.B);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> operator &(Pair<TLow, T> left, Pair<TLow, T> right) => new(left.A & right.A, left.B & right.B);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> operator |(Pair<TLow, T> left, Pair<TLow, T> right) => new(left.A | right.A, left.B | right.B);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> operator ^(Pair<TLow, T> left, Pair<TLow, T> right) => new(left.A ^ right.A, left.B ^ right.B);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> AndNot(Pair<TLow, T> left, Pair<TLow, T> right) => new(TLow.AndNot(left.A, right.A), TLow.AndNot(left.B, right.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> MultiplyAdd(Pair<TLow, T> a, Pair<TLow, T> b, Pair<TLow, T> c) => new(TLow.MultiplyAdd(a.A, b.A, c.A), TLow.MultiplyAdd(a.B, b.B, c.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> MultiplyAddScale(Pair<TLow, T> q, Pair<TLow, T> s) => new(TLow.MultiplyAddScale(q.A, s.A), TLow.MultiplyAddScale(q.B, s.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> MultiplyAddDeferred(Pair<TLow, T> a, Pair<TLow, T> b, Pair<TLow, T> c, ref int inexact)
        => new(TLow.MultiplyAddDeferred(a.A, b.A, c.A, ref inexact), TLow.MultiplyAddDeferred(a.B, b.B, c.B, ref inexact));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> MultiplyAddScaleDeferred(Pair<TLow, T> q, Pair<TLow, T> s, ref int inexact)
        => new(TLow.MultiplyAddScaleDeferred(q.A, s.A, ref inexact), TLow.MultiplyAddScaleDeferred(q.B, s.B, ref inexact));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> MaxSelect(Pair<TLow, T> a, Pair<TLow, T> b) => new(TLow.MaxSelect(a.A, b.A), TLow.MaxSelect(a.B, b.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> MinSelect(Pair<TLow, T> a, Pair<TLow, T> b) => new(TLow.MinSelect(a.A, b.A), TLow.MinSelect(a.B, b.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> Sqrt(Pair<TLow, T> value) => new(TLow.Sqrt(value.A), TLow.Sqrt(value.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> Equal(Pair<TLow, T> left, Pair<TLow, T> right) => new(TLow.Equal(left.A, right.A), TLow.Equal(left.B, right.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> LessThan(Pair<TLow, T> left, Pair<TLow, T> right) => new(TLow.LessThan(left.A, right.A), TLow.LessThan(left.B, right.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> LessThanOrEqual(Pair<TLow, T> left, Pair<TLow, T> right) => new(TLow.LessThanOrEqual(left.A, right.A), TLow.LessThanOrEqual(left.B, right.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> GreaterThan(Pair<TLow, T> left, Pair<TLow, T> right) => new(TLow.GreaterThan(left.A, right.A), TLow.GreaterThan(left.B, right.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> GreaterThanOrEqual(Pair<TLow, T> left, Pair<TLow, T> right) => new(TLow.GreaterThanOrEqual(left.A, right.A), TLow.GreaterThanOrEqual(left.B, right.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> Select(Pair<TLow, T> mask, Pair<TLow, T> whenTrue, Pair<TLow, T> whenFalse)
        => new(TLow.Select(mask.A, whenTrue.A, whenFalse.A), TLow.Select(mask.B, whenTrue.B, whenFalse.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> LaneMask(int start, int end)
        => new(TLow.LaneMask(start, end), TLow.LaneMask(start - TLow.Count, end - TLow.Count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnySet(Pair<TLow, T> mask) => TLow.AnySet(mask.A | mask.B);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyGreaterThan(Pair<TLow, T> left, Pair<TLow, T> right) => TLow.AnyGreaterThan(left.A, right.A) | TLow.AnyGreaterThan(left.B, right.B);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> AddBits(Pair<TLow, T> left, Pair<TLow, T> right) => new(TLow.AddBits(left.A, right.A), TLow.AddBits(left.B, right.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> SubtractBits(Pair<TLow, T> left, Pair<TLow, T> right) => new(TLow.SubtractBits(left.A, right.A), TLow.SubtractBits(left.B, right.B));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> ShiftLeftBits(Pair<TLow, T> value, int count) => new(TLow.ShiftLeftBits(value.A, count), TLow.ShiftLeftBits(value.B, count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> ShiftRightArithmeticBits(Pair<TLow, T> value, int count) => new(TLow.ShiftRightArithmeticBits(value.A, count), TLow.ShiftRightArithmeticBits(value.B, count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> ShiftRightBits(Pair<TLow, T> value, int count) => new(TLow.ShiftRightBits(value.A, count), TLow.ShiftRightBits(value.B, count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(ref Pair<TLow, T> low, ref Pair<TLow, T> high, Pair<TLow, T> terms)
    {
        TLow.Accumulate(ref low.A, ref high.A, terms.A);
        TLow.Accumulate(ref low.B, ref high.B, terms.B);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAccumulator(Pair<TLow, T> low, Pair<TLow, T> high, Span<double> destination)
    {
        TLow.StoreAccumulator(low.A, high.A, destination);
        TLow.StoreAccumulator(low.B, high.B, destination[TLow.Count..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateBlock(ref Pair<TLow, T> low, ref Pair<TLow, T> high, Pair<TLow, T> t0, Pair<TLow, T> t1, Pair<TLow, T> t2, Pair<TLow, T> t3)
    {
        TLow.AccumulateBlock(ref low.A, ref high.A, t0.A, t1.A, t2.A, t3.A);
        TLow.AccumulateBlock(ref low.B, ref high.B, t0.B, t1.B, t2.B, t3.B);
    }

    public static void LoadAccumulator(ReadOnlySpan<double> source, out Pair<TLow, T> low, out Pair<TLow, T> high)
    {
        TLow.LoadAccumulator(source, out TLow lowA, out TLow highA);
        TLow.LoadAccumulator(source[TLow.Count..], out TLow lowB, out TLow highB);
        low = new(lowA, lowB);
        high = new(highA, highB);
    }

    public static Pair<TLow, T> Indices

    {

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        get => new(TLow.Indices, TLow.Indices + TLow.Create(Constant.Of<T>(TLow.Count)));

    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceSum(Pair<TLow, T> value) => TLow.ReduceSum(value.A + value.B);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceMax(Pair<TLow, T> value) => TLow.ReduceMax(TLow.Select(TLow.GreaterThan(value.A, value.B), value.A, value.B));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Pair<TLow, T> Evaluate<TEvaluator>(ref TEvaluator evaluator, nuint index) where TEvaluator : struct, IEvaluator<T>, allows ref struct
        => new(EvaluateHalf(ref evaluator, index), EvaluateHalf(ref evaluator, index + (nuint)TLow.Count));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TLow EvaluateHalf<TEvaluator>(ref TEvaluator evaluator, nuint index) where TEvaluator : struct, IEvaluator<T>, allows ref struct
        => TLow.Evaluate(ref evaluator, index);

    public static bool IsPair
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }
}
