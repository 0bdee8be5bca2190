using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastLoss.Simd;

/// <summary>One <see cref="Vector512{T}"/>: 16 float or 8 double lanes (AVX-512).</summary>
internal struct W512<T> : IVec<W512<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public Vector512<T> V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public W512(Vector512<T> v) => V = v;

    // Operations build their result with Unsafe.BitCast (a JIT intrinsic) rather than the constructor: one
    // inline, and its JIT locals, less per operation, which keeps large kernels within the JIT's limits.

    public static int Count

    {

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        get => Vector512<T>.Count;

    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> Load(ref T source, nuint index) => Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(W512<T> value, ref T destination, nuint index) => value.V.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> Create(T value) => Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> CreateConstant(double value) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector512<float>, W512<T>>(Vector512.Create((float)value))
        : Unsafe.BitCast<Vector512<double>, W512<T>>(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> CreateBits(long bits) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.Create((int)bits).As<int, T>())
        : Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.Create(bits).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> operator +(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(left.V + right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> operator -(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(left.V - right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> operator *(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(left.V * right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> operator /(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(left.V / right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> operator -(W512<T> value) => Unsafe.BitCast<Vector512<T>, W512<T>>(-value.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> operator &(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(left.V & right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> operator |(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(left.V | right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> operator ^(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(left.V ^ right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> AndNot(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.AndNot(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> MultiplyAdd(W512<T> a, W512<T> b, W512<T> c) => typeof(T) == typeof(float)
            ? Unsafe.BitCast<Vector512<float>, W512<T>>(Vector512.FusedMultiplyAdd(a.V.As<T, float>(), b.V.As<T, float>(), c.V.As<T, float>()))
            : Unsafe.BitCast<Vector512<double>, W512<T>>(Vector512.FusedMultiplyAdd(a.V.As<T, double>(), b.V.As<T, double>(), c.V.As<T, double>()));
    /// <inheritdoc cref="IVec{TSelf, T}.MultiplyAddScale"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> MultiplyAddScale(W512<T> q, W512<T> s) => MultiplyAdd(q, s, s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> MaxSelect(W512<T> a, W512<T> b) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector512<float>, W512<T>>(Avx512F.Max(a.V.As<T, float>(), b.V.As<T, float>()))
        : Unsafe.BitCast<Vector512<double>, W512<T>>(Avx512F.Max(a.V.As<T, double>(), b.V.As<T, double>()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> MinSelect(W512<T> a, W512<T> b) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector512<float>, W512<T>>(Avx512F.Min(a.V.As<T, float>(), b.V.As<T, float>()))
        : Unsafe.BitCast<Vector512<double>, W512<T>>(Avx512F.Min(a.V.As<T, double>(), b.V.As<T, double>()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> Sqrt(W512<T> value) => Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.Sqrt(value.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> Equal(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.Equals(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> LessThan(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.LessThan(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> LessThanOrEqual(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.LessThanOrEqual(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> GreaterThan(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.GreaterThan(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> GreaterThanOrEqual(W512<T> left, W512<T> right) => Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.GreaterThanOrEqual(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> Select(W512<T> mask, W512<T> whenTrue, W512<T> whenFalse) => Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> LaneMask(int start, int end)
    {
        if (typeof(T) == typeof(float))
        {
            Vector512<int> i = Vector512<int>.Indices;
            return Unsafe.BitCast<Vector512<T>, W512<T>>((Vector512.GreaterThanOrEqual(i, Vector512.Create(start)) & Vector512.LessThan(i, Vector512.Create(end))).As<int, T>());
        }
        Vector512<long> l = Vector512<long>.Indices;
        return Unsafe.BitCast<Vector512<T>, W512<T>>((Vector512.GreaterThanOrEqual(l, Vector512.Create((long)start)) & Vector512.LessThan(l, Vector512.Create((long)end))).As<long, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnySet(W512<T> mask) => mask.V.AsInt32() != Vector512<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyGreaterThan(W512<T> left, W512<T> right) => Vector512.GreaterThanAny(left.V, right.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> AddBits(W512<T> left, W512<T> right) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector512<T>, W512<T>>((left.V.AsInt32() + right.V.AsInt32()).As<int, T>())
        : Unsafe.BitCast<Vector512<T>, W512<T>>((left.V.AsInt64() + right.V.AsInt64()).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> SubtractBits(W512<T> left, W512<T> right) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector512<T>, W512<T>>((left.V.AsInt32() - right.V.AsInt32()).As<int, T>())
        : Unsafe.BitCast<Vector512<T>, W512<T>>((left.V.AsInt64() - right.V.AsInt64()).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> ShiftLeftBits(W512<T> value, int count) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.ShiftLeft(value.V.AsInt32(), count).As<int, T>())
        : Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.ShiftLeft(value.V.AsInt64(), count).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> ShiftRightArithmeticBits(W512<T> value, int count) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.ShiftRightArithmetic(value.V.AsInt32(), count).As<int, T>())
        : Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.ShiftRightArithmetic(value.V.AsInt64(), count).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> ShiftRightBits(W512<T> value, int count) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.ShiftRightLogical(value.V.AsUInt32(), count).As<uint, T>())
        : Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512.ShiftRightLogical(value.V.AsUInt64(), count).As<ulong, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(ref W512<T> low, ref W512<T> high, W512<T> terms)
    {
        if (typeof(T) == typeof(float))
        {
            Vector512<float> f = terms.V.As<T, float>();
            low.V = (low.V.As<T, double>() + Vector512.WidenLower(f)).As<double, T>();
            high.V = (high.V.As<T, double>() + Vector512.WidenUpper(f)).As<double, T>();
        }
        else
        {
            low.V += terms.V;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateBlock(ref W512<T> low, ref W512<T> high, W512<T> t0, W512<T> t1, W512<T> t2, W512<T> t3)
    {
        if (typeof(T) != typeof(float))
        {
            low.V += (t0.V + t1.V) + (t2.V + t3.V);
            return;
        }
        Vector512<float> a = t0.V.As<T, float>(), b = t1.V.As<T, float>(), c = t2.V.As<T, float>(), d = t3.V.As<T, float>();
        Vector512<float> s = (a + b) + (c + d);
        Vector512<double> sl = Vector512.WidenLower(s), sh = Vector512.WidenUpper(s);
        // s − s is +0 in a finite lane and NaN in an infinite (or NaN) one: one subtraction and a test, no
        // constants. A NaN lane takes the branch too, but keeps its float sum below (only ±∞ lanes are replaced).
        if ((s - s).AsInt32() != Vector512<int>.Zero)
        {
            // Lanes whose float sum overflowed take the same tree in double (rare: inline, so that the accumulators
            // stay in registers, which a call would clobber).
            Vector512<double> dl = (Vector512.WidenLower(a) + Vector512.WidenLower(b)) + (Vector512.WidenLower(c) + Vector512.WidenLower(d));
            Vector512<double> dh = (Vector512.WidenUpper(a) + Vector512.WidenUpper(b)) + (Vector512.WidenUpper(c) + Vector512.WidenUpper(d));
            Vector512<int> overflow = Vector512.Equals(Vector512.Abs(s), Vector512.Create(float.PositiveInfinity)).AsInt32();
            sl = Vector512.ConditionalSelect(Vector512.WidenLower(overflow).AsDouble(), dl, sl);
            sh = Vector512.ConditionalSelect(Vector512.WidenUpper(overflow).AsDouble(), dh, sh);
        }
        low.V = (low.V.As<T, double>() + sl).As<double, T>();
        high.V = (high.V.As<T, double>() + sh).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateProduct(ref W512<T> low, ref W512<T> high, W512<T> a, W512<T> b)
    {
        Vector512<float> x = a.V.As<T, float>(), y = b.V.As<T, float>();
        Vector512<double> xl = Vector512.WidenLower(x), yl = Vector512.WidenLower(y), xh = Vector512.WidenUpper(x), yh = Vector512.WidenUpper(y);
        Vector512<double> l = low.V.As<T, double>(), h = high.V.As<T, double>();
        l = Vector512.FusedMultiplyAdd(xl, yl, l);
        h = Vector512.FusedMultiplyAdd(xh, yh, h);
        low.V = l.As<double, T>();
        high.V = h.As<double, T>();
    }

    public static void LoadAccumulator(ReadOnlySpan<double> source, out W512<T> low, out W512<T> high)
    {
        low = new(Vector512.Create(source).As<double, T>());
        high = typeof(T) == typeof(float) ? new(Vector512.Create(source[Vector512<double>.Count..]).As<double, T>()) : default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAccumulator(W512<T> low, W512<T> high, Span<double> destination)
    {
        low.V.As<T, double>().CopyTo(destination);
        if (typeof(T) == typeof(float))
        {
            high.V.As<T, double>().CopyTo(destination[Vector512<double>.Count..]);
        }
    }

    public static W512<T> Indices

    {

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        get => Unsafe.BitCast<Vector512<T>, W512<T>>(Vector512<T>.Indices);

    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceSum(W512<T> value) => W256<T>.ReduceSum(new(value.V.GetLower() + value.V.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceMax(W512<T> value)
    {
        Vector256<T> a = value.V.GetLower(), b = value.V.GetUpper();
        return W256<T>.ReduceMax(new(Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), a, b)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W512<T> Evaluate<TEvaluator>(ref TEvaluator evaluator, nuint index) where TEvaluator : struct, IEvaluator<T>, allows ref struct
        => evaluator.Run<W512<T>>(index);

    public static bool IsPair
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }
}
