using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>Small lane helpers shared by the operators.</summary>
internal static class Lane
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Of<TVec, T>(double value) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TVec.CreateConstant(value);

    /// <summary>The largest finite value of <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxFinite<T>() where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? Unsafe.BitCast<float, T>(float.MaxValue) : Unsafe.BitCast<double, T>(double.MaxValue);

    /// <summary>|x| (clears the sign bit; NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Abs<TVec, T>(TVec x) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TVec.AndNot(x, TVec.CreateConstant(-0.0));

    /// <summary>The magnitude of <paramref name="magnitude"/> (assumed non-negative) with the sign of <paramref name="sign"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec CopySign<TVec, T>(TVec magnitude, TVec sign) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => magnitude | (sign & TVec.CreateConstant(-0.0));

    /// <summary>sign(d)·<paramref name="scale"/> for a scale of either sign (an objective's negative weight): 0 where d = 0, NaN where d is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec SignTimes<TVec, T>(TVec d, TVec scale) where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TVec zero = TVec.CreateConstant(0.0);
        TVec signed = TVec.Select(TVec.Equal(d, zero), zero, scale ^ (d & TVec.CreateConstant(-0.0)));
        return TVec.Select(TVec.Equal(d, d), signed, d);
    }
}

/// <summary>(p − t)²; gradient 2(p − t).</summary>
internal readonly struct SquaredErrorOperator<T> : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        TVec d = x - y;
        return d * d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec d = x - y;
        gradient = (d + d) * scale;
        return d * d;
    }
}

/// <summary>(p·s − t·s)²: the squares of RMSE's second pass, with s a power of two that keeps them in range.</summary>
internal readonly struct ScaledSquaredErrorOperator<T>(T scale) : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        // Each input scaled before the difference, which may itself overflow unscaled.
        TVec s = TVec.Create(scale);
        TVec d = x * s - y * s;
        return d * d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec gradientScale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        gradient = gradientScale;
        return Value(x, y, w);
    }
}

/// <summary>
/// (p·s − t·s)·factor: the gradient pass of RMSE, where s is the power of two of its squares (1 unless they needed
/// scaling: then p·1 = p and the bits are those of (p − t)·factor) and factor = 1/(n·rmse·s).
/// </summary>
internal readonly struct ScaledDifferenceOperator<T>(T scale, T factor) : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        TVec s = TVec.Create(scale);
        return (x * s - y * s) * TVec.Create(factor);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec gradientScale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        gradient = gradientScale;
        return Value(x, y, w);
    }
}

/// <summary>|p − t|; gradient sign(p − t), 0 where p = t.</summary>
internal readonly struct AbsoluteErrorOperator<T> : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T> => Lane.Abs<TVec, T>(x - y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec d = x - y;
        gradient = Lane.SignTimes<TVec, T>(d, scale);
        return Lane.Abs<TVec, T>(d);
    }
}

/// <summary>Huber: ½d² where |d| &lt; δ, else δ(|d| − ½δ); gradient clamp(d, −δ, δ). As PyTorch's huber_loss.</summary>
internal readonly struct HuberOperator<T>(T delta) : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T> => Term(x - y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVec Term<TVec>(TVec d) where TVec : struct, IVec<TVec, T>
    {
        TVec a = Lane.Abs<TVec, T>(d);
        TVec dv = TVec.Create(delta);
        TVec half = Lane.Of<TVec, T>(0.5);
        return TVec.Select(TVec.LessThan(a, dv), half * a * a, dv * (a - half * dv));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec d = x - y;
        TVec dv = TVec.Create(delta);
        TVec clamped = TVec.Select(TVec.GreaterThanOrEqual(d, dv), dv, TVec.Select(TVec.LessThanOrEqual(d, -dv), -dv, d));
        gradient = clamped * scale;
        return Term(d);
    }
}

/// <summary>Smooth L1 (β &gt; 0): ½d²/β where |d| &lt; β, else |d| − ½β; gradient clamp(d/β, −1, 1). As PyTorch's smooth_l1_loss.</summary>
internal readonly struct SmoothL1Operator<T>(T beta) : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T> => Term(x - y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVec Term<TVec>(TVec d) where TVec : struct, IVec<TVec, T>
    {
        TVec a = Lane.Abs<TVec, T>(d);
        TVec b = TVec.Create(beta);
        TVec half = Lane.Of<TVec, T>(0.5);
        return TVec.Select(TVec.LessThan(a, b), half * a * a / b, a - half * b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec d = x - y;
        TVec b = TVec.Create(beta);
        gradient = TVec.Select(TVec.GreaterThanOrEqual(d, b), scale, TVec.Select(TVec.LessThanOrEqual(d, -b), -scale, scale * d / b));
        return Term(d);
    }
}

/// <summary>
/// log(cosh d) without overflow or cancellation: for |d| &lt; 1, log1p((e^|d| − 1)²/(2e^|d|)); otherwise
/// |d| − log 2 + log1p(e^−2|d|). Gradient tanh(d) from the same e^… − 1.
/// </summary>
internal readonly struct LogCoshOperator<T> : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T> => Compute(x - y, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec d = x - y;
        TVec value = Compute(d, out TVec tanhAbs);
        gradient = Lane.CopySign<TVec, T>(tanhAbs, d) * scale;
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Compute<TVec>(TVec d, out TVec tanhAbs) where TVec : struct, IVec<TVec, T>
    {
        TVec one = Lane.Of<TVec, T>(1.0), two = Lane.Of<TVec, T>(2.0);
        TVec a = Lane.Abs<TVec, T>(d);
        TVec small = TVec.LessThan(a, one);
        TVec em1 = VMath.Expm1<TVec, T>(TVec.Select(small, a, -(a + a)));
        // small: em1 = e^a − 1, cosh a − 1 = em1²/(2(1 + em1)), tanh a = em1(2 + em1)/(em1(2 + em1) + 2)
        // large: em1 = e^−2a − 1, log cosh a = a − log 2 + log1p(1 + em1), tanh a = −em1/(2 + em1)
        TVec twoPlus = two + em1;
        TVec logArgument = TVec.Select(small, em1 * em1 / (two + em1 + em1), one + em1);
        TVec u = one + logArgument;
        TVec l = VMath.Log1pUnit<TVec, T>(logArgument, u, one / u);
        TVec e2m1 = em1 * twoPlus;
        tanhAbs = TVec.Select(small, e2m1 / (e2m1 + two), -em1 / twoPlus);
        return TVec.Select(small, l, (a - Lane.Of<TVec, T>(0.69314718055994530942)) + l);
    }
}

/// <summary>Pinball loss: max(τ(t − p), (τ − 1)(t − p)); gradient −τ where t &gt; p, 1 − τ where t &lt; p, 0 where equal.</summary>
internal readonly struct QuantileOperator<T>(T quantile) : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        TVec u = y - x;
        TVec tau = TVec.Create(quantile);
        return TVec.Select(TVec.GreaterThanOrEqual(u, TVec.CreateConstant(0.0)), tau * u, (tau - Lane.Of<TVec, T>(1.0)) * u);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec u = y - x;
        TVec zero = TVec.CreateConstant(0.0);
        TVec tau = TVec.Create(quantile);
        TVec tauMinusOne = tau - Lane.Of<TVec, T>(1.0);
        gradient = TVec.Select(TVec.GreaterThan(u, zero), -(tau * scale), TVec.Select(TVec.LessThan(u, zero), -(tauMinusOne * scale), u * zero));
        return TVec.Select(TVec.GreaterThanOrEqual(u, zero), tau * u, tauMinusOne * u);
    }
}

/// <summary>Poisson negative log-likelihood on log-rates: e^x − t·x; gradient e^x − t.</summary>
internal readonly struct PoissonOperator<T> : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T> => VMath.Exp<TVec, T>(x) - y * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec e = VMath.Exp<TVec, T>(x);
        gradient = (e - y) * scale;
        return e - y * x;
    }
}
