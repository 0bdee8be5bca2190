using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastLoss.Simd;

/// <summary>One <see cref="Vector256{T}"/>: 8 float or 4 double lanes (AVX2).</summary>
internal struct W256<T> : IVec<W256<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public Vector256<T> V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public W256(Vector256<T> v) => V = v;

    // Operations build their result with Unsafe.BitCast (a JIT intrinsic) rather than the constructor: one
    // inline, and its JIT locals, less per operation, which keeps large kernels within the JIT's limits.

    public static int Count

    {

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        get => Vector256<T>.Count;

    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> Load(ref T source, nuint index) => Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(W256<T> value, ref T destination, nuint index) => value.V.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> Create(T value) => Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> CreateConstant(double value) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector256<float>, W256<T>>(Vector256.Create((float)value))
        : Unsafe.BitCast<Vector256<double>, W256<T>>(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> CreateBits(long bits) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.Create((int)bits).As<int, T>())
        : Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.Create(bits).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> operator +(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(left.V + right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> operator -(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(left.V - right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> operator *(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(left.V * right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> operator /(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(left.V / right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> operator -(W256<T> value) => Unsafe.BitCast<Vector256<T>, W256<T>>(-value.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> operator &(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(left.V & right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> operator |(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(left.V | right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> operator ^(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(left.V ^ right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> AndNot(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.AndNot(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> MultiplyAdd(W256<T> a, W256<T> b, W256<T> c) => typeof(T) == typeof(float)
            ? Unsafe.BitCast<Vector256<float>, W256<T>>(Vector256.FusedMultiplyAdd(a.V.As<T, float>(), b.V.As<T, float>(), c.V.As<T, float>()))
            : Unsafe.BitCast<Vector256<double>, W256<T>>(Vector256.FusedMultiplyAdd(a.V.As<T, double>(), b.V.As<T, double>(), c.V.As<T, double>()));
    /// <inheritdoc cref="IVec{TSelf, T}.MultiplyAddScale"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> MultiplyAddScale(W256<T> q, W256<T> s) => MultiplyAdd(q, s, s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> MaxSelect(W256<T> a, W256<T> b)
    {
        if (Avx.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Unsafe.BitCast<Vector256<float>, W256<T>>(Avx.Max(a.V.As<T, float>(), b.V.As<T, float>()))
                : Unsafe.BitCast<Vector256<double>, W256<T>>(Avx.Max(a.V.As<T, double>(), b.V.As<T, double>()));
        }
        return Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.ConditionalSelect(Vector256.GreaterThan(a.V, b.V), a.V, b.V));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> MinSelect(W256<T> a, W256<T> b)
    {
        if (Avx.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Unsafe.BitCast<Vector256<float>, W256<T>>(Avx.Min(a.V.As<T, float>(), b.V.As<T, float>()))
                : Unsafe.BitCast<Vector256<double>, W256<T>>(Avx.Min(a.V.As<T, double>(), b.V.As<T, double>()));
        }
        return Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.ConditionalSelect(Vector256.LessThan(a.V, b.V), a.V, b.V));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> Sqrt(W256<T> value) => Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.Sqrt(value.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> Equal(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.Equals(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> LessThan(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.LessThan(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> LessThanOrEqual(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.LessThanOrEqual(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> GreaterThan(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.GreaterThan(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> GreaterThanOrEqual(W256<T> left, W256<T> right) => Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.GreaterThanOrEqual(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> Select(W256<T> mask, W256<T> whenTrue, W256<T> whenFalse) => Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> LaneMask(int start, int end)
    {
        if (typeof(T) == typeof(float))
        {
            Vector256<int> i = Vector256<int>.Indices;
            return Unsafe.BitCast<Vector256<T>, W256<T>>((Vector256.GreaterThanOrEqual(i, Vector256.Create(start)) & Vector256.LessThan(i, Vector256.Create(end))).As<int, T>());
        }
        Vector256<long> l = Vector256<long>.Indices;
        return Unsafe.BitCast<Vector256<T>, W256<T>>((Vector256.GreaterThanOrEqual(l, Vector256.Create((long)start)) & Vector256.LessThan(l, Vector256.Create((long)end))).As<long, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnySet(W256<T> mask) => mask.V.AsInt32() != Vector256<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyGreaterThan(W256<T> left, W256<T> right) => Vector256.GreaterThanAny(left.V, right.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> AddBits(W256<T> left, W256<T> right) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector256<T>, W256<T>>((left.V.AsInt32() + right.V.AsInt32()).As<int, T>())
        : Unsafe.BitCast<Vector256<T>, W256<T>>((left.V.AsInt64() + right.V.AsInt64()).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> SubtractBits(W256<T> left, W256<T> right) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector256<T>, W256<T>>((left.V.AsInt32() - right.V.AsInt32()).As<int, T>())
        : Unsafe.BitCast<Vector256<T>, W256<T>>((left.V.AsInt64() - right.V.AsInt64()).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> ShiftLeftBits(W256<T> value, int count) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.ShiftLeft(value.V.AsInt32(), count).As<int, T>())
        : Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.ShiftLeft(value.V.AsInt64(), count).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> ShiftRightArithmeticBits(W256<T> value, int count) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.ShiftRightArithmetic(value.V.AsInt32(), count).As<int, T>())
        : Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.ShiftRightArithmetic(value.V.AsInt64(), count).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> ShiftRightBits(W256<T> value, int count) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.ShiftRightLogical(value.V.AsUInt32(), count).As<uint, T>())
        : Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256.ShiftRightLogical(value.V.AsUInt64(), count).As<ulong, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(ref W256<T> low, ref W256<T> high, W256<T> terms)
    {
        if (typeof(T) == typeof(float))
        {
            Vector256<float> f = terms.V.As<T, float>();
            low.V = (low.V.As<T, double>() + Vector256.WidenLower(f)).As<double, T>();
            high.V = (high.V.As<T, double>() + Vector256.WidenUpper(f)).As<double, T>();
        }
        else
        {
            low.V += terms.V;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateBlock(ref W256<T> low, ref W256<T> high, W256<T> t0, W256<T> t1, W256<T> t2, W256<T> t3)
    {
        if (typeof(T) != typeof(float))
        {
            low.V += (t0.V + t1.V) + (t2.V + t3.V);
            return;
        }
        Vector256<float> a = t0.V.As<T, float>(), b = t1.V.As<T, float>(), c = t2.V.As<T, float>(), d = t3.V.As<T, float>();
        Vector256<float> s = (a + b) + (c + d);
        Vector256<double> sl = Vector256.WidenLower(s), sh = Vector256.WidenUpper(s);
        // s − s is +0 in a finite lane and NaN in an infinite (or NaN) one: one subtraction and a test, no
        // constants. A NaN lane takes the branch too, but keeps its float sum below (only ±∞ lanes are replaced).
        if ((s - s).AsInt32() != Vector256<int>.Zero)
        {
            // Lanes whose float sum overflowed take the same tree in double (rare: inline, so that the accumulators
            // stay in registers, which a call would clobber).
            Vector256<double> dl = (Vector256.WidenLower(a) + Vector256.WidenLower(b)) + (Vector256.WidenLower(c) + Vector256.WidenLower(d));
            Vector256<double> dh = (Vector256.WidenUpper(a) + Vector256.WidenUpper(b)) + (Vector256.WidenUpper(c) + Vector256.WidenUpper(d));
            Vector256<int> overflow = Vector256.Equals(Vector256.Abs(s), Vector256.Create(float.PositiveInfinity)).AsInt32();
            sl = Vector256.ConditionalSelect(Vector256.WidenLower(overflow).AsDouble(), dl, sl);
            sh = Vector256.ConditionalSelect(Vector256.WidenUpper(overflow).AsDouble(), dh, sh);
        }
        low.V = (low.V.As<T, double>() + sl).As<double, T>();
        high.V = (high.V.As<T, double>() + sh).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateProduct(ref W256<T> low, ref W256<T> high, W256<T> a, W256<T> b)
    {
        Vector256<float> x = a.V.As<T, float>(), y = b.V.As<T, float>();
        Vector256<double> xl = Vector256.WidenLower(x), yl = Vector256.WidenLower(y), xh = Vector256.WidenUpper(x), yh = Vector256.WidenUpper(y);
        Vector256<double> l = low.V.As<T, double>(), h = high.V.As<T, double>();
        if (Fma.IsSupported)
        {
            l = Vector256.FusedMultiplyAdd(xl, yl, l);
            h = Vector256.FusedMultiplyAdd(xh, yh, h);
        }
        else
        {
            l += xl * yl;
            h += xh * yh;
        }
        low.V = l.As<double, T>();
        high.V = h.As<double, T>();
    }

    public static void LoadAccumulator(ReadOnlySpan<double> source, out W256<T> low, out W256<T> high)
    {
        low = new(Vector256.Create(source).As<double, T>());
        high = typeof(T) == typeof(float) ? new(Vector256.Create(source[Vector256<double>.Count..]).As<double, T>()) : default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAccumulator(W256<T> low, W256<T> high, Span<double> destination)
    {
        low.V.As<T, double>().CopyTo(destination);
        if (typeof(T) == typeof(float))
        {
            high.V.As<T, double>().CopyTo(destination[Vector256<double>.Count..]);
        }
    }

    public static W256<T> Indices

    {

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        get => Unsafe.BitCast<Vector256<T>, W256<T>>(Vector256<T>.Indices);

    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceSum(W256<T> value) => W128<T>.ReduceSum(new(value.V.GetLower() + value.V.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceMax(W256<T> value)
    {
        Vector128<T> a = value.V.GetLower(), b = value.V.GetUpper();
        return W128<T>.ReduceMax(new(Vector128.ConditionalSelect(Vector128.GreaterThan(a, b), a, b)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W256<T> Evaluate<TEvaluator>(ref TEvaluator evaluator, nuint index) where TEvaluator : struct, IEvaluator<T>, allows ref struct
        => evaluator.Run<W256<T>>(index);

    public static bool IsPair
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }
}
