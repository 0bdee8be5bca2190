using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FastLoss.Simd;

/// <summary>
/// One lane in a general-purpose register: the path taken where the CPU (or the runtime's settings)
/// offers no SIMD. Paired up by <see cref="Pair{TLow, T}"/> to the library's logical width, so it performs
/// exactly the lane operations of the vector paths.
/// </summary>
internal struct WScalar<T> : IVec<WScalar<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public T V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public WScalar(T v) => V = v;

    public static int Count

    {

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        get => 1;

    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> Load(ref T source, nuint index) => new(Unsafe.Add(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(WScalar<T> value, ref T destination, nuint index) => Unsafe.Add(ref destination, index) = value.V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> Create(T value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> CreateConstant(double value) => new(Constant.Of<T>(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> CreateBits(long bits) => FromBits(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Bits(WScalar<T> x) => typeof(T) == typeof(float)
        ? BitConverter.SingleToInt32Bits(Unsafe.BitCast<T, float>(x.V))
        : BitConverter.DoubleToInt64Bits(Unsafe.BitCast<T, double>(x.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static WScalar<T> FromBits(long bits) => typeof(T) == typeof(float)
        ? new(Unsafe.BitCast<float, T>(BitConverter.Int32BitsToSingle((int)bits)))
        : new(Unsafe.BitCast<double, T>(BitConverter.Int64BitsToDouble(bits)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static WScalar<T> Mask(bool condition) => FromBits(condition ? -1L : 0L);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> operator +(WScalar<T> left, WScalar<T> right) => new(left.V + right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> operator -(WScalar<T> left, WScalar<T> right) => new(left.V - right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> operator *(WScalar<T> left, WScalar<T> right) => new(left.V * right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> operator /(WScalar<T> left, WScalar<T> right) => new(left.V / right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> operator -(WScalar<T> value) => new(-value.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> operator &(WScalar<T> left, WScalar<T> right) => FromBits(Bits(left) & Bits(right));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> operator |(WScalar<T> left, WScalar<T> right) => FromBits(Bits(left) | Bits(right));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> operator ^(WScalar<T> left, WScalar<T> right) => FromBits(Bits(left) ^ Bits(right));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> AndNot(WScalar<T> left, WScalar<T> right) => FromBits(Bits(left) & ~Bits(right));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> MultiplyAdd(WScalar<T> a, WScalar<T> b, WScalar<T> c)
    {
        if (typeof(T) == typeof(float))
        {
            float x = Unsafe.BitCast<T, float>(a.V), y = Unsafe.BitCast<T, float>(b.V), z = Unsafe.BitCast<T, float>(c.V);
            return new(Unsafe.BitCast<float, T>(Fma.IsSupported ? MathF.FusedMultiplyAdd(x, y, z) : FusedMultiplyAdd.Single(x, y, z)));
        }
        return new(Unsafe.BitCast<double, T>(Math.FusedMultiplyAdd(Unsafe.BitCast<T, double>(a.V), Unsafe.BitCast<T, double>(b.V), Unsafe.BitCast<T, double>(c.V))));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> MultiplyAddScale(WScalar<T> q, WScalar<T> s)
    {
        if (Fma.IsSupported || typeof(T) == typeof(double))
        {
            return MultiplyAdd(q, s, s);
        }
        return new(Unsafe.BitCast<float, T>(FusedMultiplyAdd.SingleScale(Unsafe.BitCast<T, float>(q.V), Unsafe.BitCast<T, float>(s.V))));
    }
    // Float without FMA hardware: the emulated step rounded from double, deferred (IVec.MultiplyAddDeferred), tested
    // in place as MultiplyAdd's own test.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> MultiplyAddDeferred(WScalar<T> a, WScalar<T> b, WScalar<T> c, ref int inexact) => typeof(T) == typeof(float) && !Fma.IsSupported
        ? new(Unsafe.BitCast<float, T>(FusedMultiplyAdd.SingleDeferred(Unsafe.BitCast<T, float>(a.V), Unsafe.BitCast<T, float>(b.V), Unsafe.BitCast<T, float>(c.V), ref inexact)))
        : MultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> MultiplyAddScaleDeferred(WScalar<T> q, WScalar<T> s, ref int inexact) => typeof(T) == typeof(float) && !Fma.IsSupported
        ? new(Unsafe.BitCast<float, T>(FusedMultiplyAdd.SingleScaleDeferred(Unsafe.BitCast<T, float>(q.V), Unsafe.BitCast<T, float>(s.V), ref inexact)))
        : MultiplyAddScale(q, s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> MaxSelect(WScalar<T> a, WScalar<T> b) => a.V > b.V ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> MinSelect(WScalar<T> a, WScalar<T> b) => a.V < b.V ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> Sqrt(WScalar<T> value) => new(T.Sqrt(value.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> Equal(WScalar<T> left, WScalar<T> right) => Mask(left.V == right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> LessThan(WScalar<T> left, WScalar<T> right) => Mask(left.V < right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> LessThanOrEqual(WScalar<T> left, WScalar<T> right) => Mask(left.V <= right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> GreaterThan(WScalar<T> left, WScalar<T> right) => Mask(left.V > right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> GreaterThanOrEqual(WScalar<T> left, WScalar<T> right) => Mask(left.V >= right.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> Select(WScalar<T> mask, WScalar<T> whenTrue, WScalar<T> whenFalse)
        => FromBits((Bits(mask) & Bits(whenTrue)) | (~Bits(mask) & Bits(whenFalse)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> LaneMask(int start, int end) => Mask(start <= 0 && 0 < end);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnySet(WScalar<T> mask) => Bits(mask) != 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyGreaterThan(WScalar<T> left, WScalar<T> right) => left.V > right.V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> AddBits(WScalar<T> left, WScalar<T> right) => typeof(T) == typeof(float)
        ? FromBits(unchecked((int)Bits(left) + (int)Bits(right)))
        : FromBits(unchecked(Bits(left) + Bits(right)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> SubtractBits(WScalar<T> left, WScalar<T> right) => typeof(T) == typeof(float)
        ? FromBits(unchecked((int)Bits(left) - (int)Bits(right)))
        : FromBits(unchecked(Bits(left) - Bits(right)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> ShiftLeftBits(WScalar<T> value, int count) => typeof(T) == typeof(float)
        ? FromBits((int)Bits(value) << count)
        : FromBits(Bits(value) << count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> ShiftRightArithmeticBits(WScalar<T> value, int count) => typeof(T) == typeof(float)
        ? FromBits((int)Bits(value) >> count)
        : FromBits(Bits(value) >> count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> ShiftRightBits(WScalar<T> value, int count) => typeof(T) == typeof(float)
        ? FromBits((int)((uint)Bits(value) >> count))
        : FromBits((long)((ulong)Bits(value) >> count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(ref WScalar<T> low, ref WScalar<T> high, WScalar<T> terms)
    {
        if (typeof(T) == typeof(float))
        {
            // A float lane's double accumulator is split over the two words: low bits in low, high bits in high.
            double acc = ReadAccumulator(low, high) + Unsafe.BitCast<T, float>(terms.V);
            long bits = BitConverter.DoubleToInt64Bits(acc);
            low = FromBits((int)bits);
            high = FromBits((int)(bits >> 32));
        }
        else
        {
            low.V += terms.V;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ReadAccumulator(WScalar<T> low, WScalar<T> high) => typeof(T) == typeof(float)
        ? BitConverter.Int64BitsToDouble((Bits(high) << 32) | (uint)Bits(low))
        : Unsafe.BitCast<T, double>(low.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAccumulator(WScalar<T> low, WScalar<T> high, Span<double> destination)
        => destination[0] = ReadAccumulator(low, high);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateBlock(ref WScalar<T> low, ref WScalar<T> high, WScalar<T> t0, WScalar<T> t1, WScalar<T> t2, WScalar<T> t3)
    {
        if (typeof(T) != typeof(float))
        {
            low.V += (t0.V + t1.V) + (t2.V + t3.V);
            return;
        }
        T s = (t0.V + t1.V) + (t2.V + t3.V);
        double sum = T.IsInfinity(s)
            ? (Constant.ToDouble(t0.V) + Constant.ToDouble(t1.V)) + (Constant.ToDouble(t2.V) + Constant.ToDouble(t3.V))
            : Constant.ToDouble(s);
        double acc = ReadAccumulator(low, high) + sum;
        long bits = BitConverter.DoubleToInt64Bits(acc);
        low = FromBits((int)bits);
        high = FromBits((int)(bits >> 32));
    }

    public static void LoadAccumulator(ReadOnlySpan<double> source, out WScalar<T> low, out WScalar<T> high)
    {
        if (typeof(T) == typeof(float))
        {
            long bits = BitConverter.DoubleToInt64Bits(source[0]);
            low = FromBits((int)bits);
            high = FromBits((int)(bits >> 32));
        }
        else
        {
            low = new(Unsafe.BitCast<double, T>(source[0]));
            high = default;
        }
    }

    public static WScalar<T> Indices

    {

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        get => new(Constant.Of<T>(0.0));

    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceSum(WScalar<T> value) => value.V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReduceMax(WScalar<T> value) => value.V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WScalar<T> Evaluate<TEvaluator>(ref TEvaluator evaluator, nuint index) where TEvaluator : struct, IEvaluator<T>, allows ref struct
        => evaluator.Run<WScalar<T>>(index);

    public static bool IsPair
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }
}
