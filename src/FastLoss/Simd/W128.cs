using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;

namespace FastLoss.Simd;

/// <summary>One <see cref="Vector128{T}"/>: 4 float or 2 double lanes (SSE, AdvSimd).</summary>
internal struct W128<T> : IVec<W128<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public Vector128<T> V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public W128(Vector128<T> v) => V = v;

    // Operations build their result with Unsafe.BitCast (a JIT intrinsic) rather than the constructor: one
    // inline, and its JIT locals, less per operation, which keeps large kernels within the JIT's limits.

    public static int Count

    {

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        get => Vector128<T>.Count;

    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> Load(ref T source, nuint index) => Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(W128<T> value, ref T destination, nuint index) => value.V.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> Create(T value) => Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> CreateConstant(double value) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector128<float>, W128<T>>(Vector128.Create((float)value))
        : Unsafe.BitCast<Vector128<double>, W128<T>>(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> CreateBits(long bits) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.Create((int)bits).As<int, T>())
        : Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.Create(bits).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> operator +(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(left.V + right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> operator -(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(left.V - right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> operator *(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(left.V * right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> operator /(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(left.V / right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> operator -(W128<T> value) => Unsafe.BitCast<Vector128<T>, W128<T>>(-value.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> operator &(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(left.V & right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> operator |(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(left.V | right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> operator ^(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(left.V ^ right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> AndNot(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.AndNot(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> MultiplyAdd(W128<T> a, W128<T> b, W128<T> c)
    {
        if (Fma.IsSupported || AdvSimd.IsSupported)
        {
            return typeof(T) == typeof(float)
            ? Unsafe.BitCast<Vector128<float>, W128<T>>(Vector128.FusedMultiplyAdd(a.V.As<T, float>(), b.V.As<T, float>(), c.V.As<T, float>()))
            : Unsafe.BitCast<Vector128<double>, W128<T>>(Vector128.FusedMultiplyAdd(a.V.As<T, double>(), b.V.As<T, double>(), c.V.As<T, double>()));
        }
        return typeof(T) == typeof(float)
            ? Unsafe.BitCast<Vector128<float>, W128<T>>(FusedMultiplyAdd.Single(a.V.As<T, float>(), b.V.As<T, float>(), c.V.As<T, float>()))
            : Unsafe.BitCast<Vector128<double>, W128<T>>(FusedMultiplyAdd.Double(a.V.As<T, double>(), b.V.As<T, double>(), c.V.As<T, double>()));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> MultiplyAddScale(W128<T> q, W128<T> s)
    {
        if (Fma.IsSupported || AdvSimd.IsSupported || typeof(T) == typeof(double))
        {
            return MultiplyAdd(q, s, s);
        }
        return Unsafe.BitCast<Vector128<float>, W128<T>>(FusedMultiplyAdd.SingleScale(q.V.As<T, float>(), s.V.As<T, float>()));
    }
    // Float without FMA hardware: the emulated steps, deferred (IVec.MultiplyAddDeferred). The test in place, so the
    // JIT folds it on import and never imports the exact step beside the deferred one (as VMath's callers).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> MultiplyAddDeferred(W128<T> a, W128<T> b, W128<T> c, ref int inexact) => typeof(T) == typeof(float) && !Fma.IsSupported && !AdvSimd.IsSupported
        ? Unsafe.BitCast<Vector128<float>, W128<T>>(FusedMultiplyAdd.SingleDeferred(a.V.As<T, float>(), b.V.As<T, float>(), c.V.As<T, float>(), ref inexact))
        : MultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> MultiplyAddScaleDeferred(W128<T> q, W128<T> s, ref int inexact) => typeof(T) == typeof(float) && !Fma.IsSupported && !AdvSimd.IsSupported
        ? Unsafe.BitCast<Vector128<float>, W128<T>>(FusedMultiplyAdd.SingleScaleDeferred(q.V.As<T, float>(), s.V.As<T, float>(), ref inexact))
        : MultiplyAddScale(q, s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> MaxSelect(W128<T> a, W128<T> b)
    {
        if (Sse2.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Unsafe.BitCast<Vector128<float>, W128<T>>(Sse.Max(a.V.As<T, float>(), b.V.As<T, float>()))
                : Unsafe.BitCast<Vector128<double>, W128<T>>(Sse2.Max(a.V.As<T, double>(), b.V.As<T, double>()));
        }
        return Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.ConditionalSelect(Vector128.GreaterThan(a.V, b.V), a.V, b.V));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> MinSelect(W128<T> a, W128<T> b)
    {
        if (Sse2.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Unsafe.BitCast<Vector128<float>, W128<T>>(Sse.Min(a.V.As<T, float>(), b.V.As<T, float>()))
                : Unsafe.BitCast<Vector128<double>, W128<T>>(Sse2.Min(a.V.As<T, double>(), b.V.As<T, double>()));
        }
        return Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.ConditionalSelect(Vector128.LessThan(a.V, b.V), a.V, b.V));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> Sqrt(W128<T> value) => Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.Sqrt(value.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> Equal(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.Equals(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> LessThan(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.LessThan(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> LessThanOrEqual(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.LessThanOrEqual(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> GreaterThan(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.GreaterThan(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> GreaterThanOrEqual(W128<T> left, W128<T> right) => Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.GreaterThanOrEqual(left.V, right.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> Select(W128<T> mask, W128<T> whenTrue, W128<T> whenFalse) => Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> LaneMask(int start, int end)
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<int> i = Vector128<int>.Indices;
            return Unsafe.BitCast<Vector128<T>, W128<T>>((Vector128.GreaterThanOrEqual(i, Vector128.Create(start)) & Vector128.LessThan(i, Vector128.Create(end))).As<int, T>());
        }
        Vector128<long> l = Vector128<long>.Indices;
        return Unsafe.BitCast<Vector128<T>, W128<T>>((Vector128.GreaterThanOrEqual(l, Vector128.Create((long)start)) & Vector128.LessThan(l, Vector128.Create((long)end))).As<long, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnySet(W128<T> mask) => mask.V.AsInt32() != Vector128<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyGreaterThan(W128<T> left, W128<T> right) => Vector128.GreaterThanAny(left.V, right.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> AddBits(W128<T> left, W128<T> right) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector128<T>, W128<T>>((left.V.AsInt32() + right.V.AsInt32()).As<int, T>())
        : Unsafe.BitCast<Vector128<T>, W128<T>>((left.V.AsInt64() + right.V.AsInt64()).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> SubtractBits(W128<T> left, W128<T> right) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector128<T>, W128<T>>((left.V.AsInt32() - right.V.AsInt32()).As<int, T>())
        : Unsafe.BitCast<Vector128<T>, W128<T>>((left.V.AsInt64() - right.V.AsInt64()).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> ShiftLeftBits(W128<T> value, int count) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.ShiftLeft(value.V.AsInt32(), count).As<int, T>())
        : Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.ShiftLeft(value.V.AsInt64(), count).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> ShiftRightArithmeticBits(W128<T> value, int count) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.ShiftRightArithmetic(value.V.AsInt32(), count).As<int, T>())
        : Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.ShiftRightArithmetic(value.V.AsInt64(), count).As<long, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> ShiftRightBits(W128<T> value, int count) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.ShiftRightLogical(value.V.AsUInt32(), count).As<uint, T>())
        : Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128.ShiftRightLogical(value.V.AsUInt64(), count).As<ulong, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(ref W128<T> low, ref W128<T> high, W128<T> terms)
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<float> f = terms.V.As<T, float>();
            low.V = (low.V.As<T, double>() + Vector128.WidenLower(f)).As<double, T>();
            high.V = (high.V.As<T, double>() + Vector128.WidenUpper(f)).As<double, T>();
        }
        else
        {
            low.V += terms.V;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateBlock(ref W128<T> low, ref W128<T> high, W128<T> t0, W128<T> t1, W128<T> t2, W128<T> t3)
    {
        if (typeof(T) != typeof(float))
        {
            low.V += (t0.V + t1.V) + (t2.V + t3.V);
            return;
        }
        Vector128<float> a = t0.V.As<T, float>(), b = t1.V.As<T, float>(), c = t2.V.As<T, float>(), d = t3.V.As<T, float>();
        Vector128<float> s = (a + b) + (c + d);
        Vector128<double> sl = Vector128.WidenLower(s), sh = Vector128.WidenUpper(s);
        // s − s is +0 in a finite lane and NaN in an infinite (or NaN) one: one subtraction and a test, no
        // constants. A NaN lane takes the branch too, but keeps its float sum below (only ±∞ lanes are replaced).
        if ((s - s).AsInt32() != Vector128<int>.Zero)
        {
            // Lanes whose float sum overflowed take the same tree in double (rare: inline, so that the accumulators
            // stay in registers, which a call would clobber).
            Vector128<double> dl = (Vector128.WidenLower(a) + Vector128.WidenLower(b)) + (Vector128.WidenLower(c) + Vector128.WidenLower(d));
            Vector128<double> dh = (Vector128.WidenUpper(a) + Vector128.WidenUpper(b)) + (Vector128.WidenUpper(c) + Vector128.WidenUpper(d));
            Vector128<int> overflow = Vector128.Equals(Vector128.Abs(s), Vector128.Create(float.PositiveInfinity)).AsInt32();
            sl = Vector128.ConditionalSelect(Vector128.WidenLower(overflow).AsDouble(), dl, sl);
            sh = Vector128.ConditionalSelect(Vector128.WidenUpper(overflow).AsDouble(), dh, sh);
        }
        low.V = (low.V.As<T, double>() + sl).As<double, T>();
        high.V = (high.V.As<T, double>() + sh).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateProduct(ref W128<T> low, ref W128<T> high, W128<T> a, W128<T> b)
    {
        Vector128<float> x = a.V.As<T, float>(), y = b.V.As<T, float>();
        Vector128<double> xl = Vector128.WidenLower(x), yl = Vector128.WidenLower(y), xh = Vector128.WidenUpper(x), yh = Vector128.WidenUpper(y);
        Vector128<double> l = low.V.As<T, double>(), h = high.V.As<T, double>();
        if (Fma.IsSupported || AdvSimd.IsSupported)
        {
            l = Vector128.FusedMultiplyAdd(xl, yl, l);
            h = Vector128.FusedMultiplyAdd(xh, yh, h);
        }
        else
        {
            l += xl * yl;
            h += xh * yh;
        }
        low.V = l.As<double, T>();
        high.V = h.As<double, T>();
    }

    public static void LoadAccumulator(ReadOnlySpan<double> source, out W128<T> low, out W128<T> high)
    {
        low = new(Vector128.Create(source).As<double, T>());
        high = typeof(T) == typeof(float) ? new(Vector128.Create(source[Vector128<double>.Count..]).As<double, T>()) : default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAccumulator(W128<T> low, W128<T> high, Span<double> destination)
    {
        low.V.As<T, double>().CopyTo(destination);
        if (typeof(T) == typeof(float))
        {
            high.V.As<T, double>().CopyTo(destination[Vector128<double>.Count..]);
        }
    }

    public static W128<T> Indices

    {

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        get => Unsafe.BitCast<Vector128<T>, W128<T>>(Vector128<T>.Indices);

    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceSum(W128<T> value)
    {
        Vector128<T> v = value.V;
        return typeof(T) == typeof(float) ? (v.GetElement(0) + v.GetElement(2)) + (v.GetElement(1) + v.GetElement(3)) : v.GetElement(0) + v.GetElement(1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceMax(W128<T> value)
    {
        // Lanes (0, 2) and (1, 3), then the two results, each with a > b ? a : b, in vector registers: the
        // scalar form's compares and branches mispredict on ordinary data.
        W128<T> v = value;
        if (typeof(T) == typeof(float))
        {
            W128<T> upper = new(Vector128.Shuffle(v.V.As<T, float>(), Vector128.Create(2, 3, 2, 3)).As<float, T>());
            W128<T> pairs = MaxSelect(v, upper);
            W128<T> second = new(Vector128.Shuffle(pairs.V.As<T, float>(), Vector128.Create(1, 1, 1, 1)).As<float, T>());
            return MaxSelect(pairs, second).V.ToScalar();
        }
        W128<T> other = new(Vector128.Shuffle(v.V.As<T, double>(), Vector128.Create(1L, 1L)).As<double, T>());
        return MaxSelect(v, other).V.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static W128<T> Evaluate<TEvaluator>(ref TEvaluator evaluator, nuint index) where TEvaluator : struct, IEvaluator<T>, allows ref struct
        => evaluator.Run<W128<T>>(index);

    public static bool IsPair
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }
}
