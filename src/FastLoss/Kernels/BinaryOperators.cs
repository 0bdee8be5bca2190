using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Simd;

namespace FastLoss.Kernels;

/// <summary>σ(x), σ(−x) and log(1 + e^−|x|) of a vector of logits (<see cref="Logistic.Split"/>): what the logit losses share.</summary>
internal struct LogisticPieces<TVec> where TVec : struct
{
    public TVec Sigmoid, SigmoidOfNegative, Log1pOfExpMinusAbs;
}

/// <summary>
/// A loss of logits computed from <see cref="LogisticPieces{TVec}"/>: two such terms of an objective over the same
/// logits compute the pieces once (<see cref="LogisticPair{T, TFirst, TSecond}"/>), each term with the bits of its own.
/// </summary>
internal interface ILogisticLoss<T> : IPointwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The loss of logits <paramref name="x"/> (and, if asked, its derivative times <paramref name="scale"/>) from their pieces.</summary>
    TVec FromPieces<TVec>(TVec x, TVec y, TVec w, in LogisticPieces<TVec> pieces, TVec scale, out TVec gradient, bool computeGradient) where TVec : struct, IVec<TVec, T>;
}

/// <summary>Stable pieces of the logistic function shared by the logit losses.</summary>
internal static class Logistic
{
    /// <summary>
    /// For logits x: σ(x), σ(−x) and log(1 + e^−|x|), each without overflow or cancellation for any finite x
    /// (σ(−x) is computed directly, not as 1 − σ(x)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Split<TVec, T>(TVec x, out TVec sigmoid, out TVec sigmoidOfNegative, out TVec log1pOfExpMinusAbs)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TVec zero = TVec.CreateConstant(0.0);
        TVec one = TVec.CreateConstant(1.0);
        // −|x| by setting the sign bit.
        TVec e = VMath.Exp<TVec, T>(x | TVec.CreateConstant(-0.0));
        TVec d = one + e;
        TVec nonNegative = TVec.GreaterThanOrEqual(x, zero);
        TVec large;
        if (typeof(T) == typeof(float))
        {
            // σ(|x|) = 1/d and σ(−|x|) = e/d with the numerator chosen first: a caller that needs one of the
            // two pays one division (the other is dead code). The float log1p needs no 1/d.
            sigmoid = TVec.Select(nonNegative, one, e) / d;
            sigmoidOfNegative = TVec.Select(nonNegative, e, one) / d;
            large = default;
        }
        else
        {
            large = one / d;        // σ(|x|), and 1/d for the double log1p
            TVec small = e * large; // σ(−|x|)
            sigmoid = TVec.Select(nonNegative, large, small);
            sigmoidOfNegative = TVec.Select(nonNegative, small, large);
        }
        log1pOfExpMinusAbs = VMath.Log1pUnit<TVec, T>(e, d, large);
    }

    /// <summary>
    /// Binary cross-entropy of logits, (1 − t)·x + l·softplus(−x) with log weight l = 1 + (pw − 1)·t, in the form
    /// where nothing cancels: softplus(−x) = max(−x, 0) + log1p(e^−|x|), and for x &lt; 0 the −x of softplus
    /// cancels (1 − t)·x down to −pw·t·x. So the loss is a·x + l·log1p(e^−|x|) with a = 1 − t for x ≥ 0 and
    /// a = −<paramref name="positiveTarget"/> (pw·t) below: two terms of the same sign (for t in [0, 1] and
    /// pw ≥ 0), never negative, exact to rounding for any |x| (and no (1 + 2e-7)·3.4e38 that overflows).
    /// NaN propagates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec CrossEntropy<TVec, T>(TVec x, TVec t, TVec positiveTarget, TVec logWeighted)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TVec linear = TVec.Select(TVec.GreaterThanOrEqual(x, TVec.CreateConstant(0.0)), TVec.CreateConstant(1.0) - t, -positiveTarget);
        return TVec.MultiplyAdd(linear, x, logWeighted);
    }
}

/// <summary>
/// Binary cross-entropy on probabilities, as PyTorch's binary_cross_entropy: each log clamped at −100,
/// gradient w(p − t)/max(p(1 − p), 1e-12).
/// </summary>
internal readonly struct BinaryCrossEntropyOperator<T, TWeights> : IPointwiseLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TWeights : struct, IFlag
{
    public static bool UsesWeights
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TWeights.Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        TVec floor = Lane.Of<TVec, T>(-100.0);
        TVec logP = VMath.Log<TVec, T>(x);
        TVec log1mP = VMath.Log1p<TVec, T>(-x);
        logP = TVec.Select(TVec.LessThan(logP, floor), floor, logP);
        log1mP = TVec.Select(TVec.LessThan(log1mP, floor), floor, log1mP);
        TVec loss = (y - TVec.CreateConstant(1.0)) * log1mP - y * logP;
        return TWeights.Value ? loss * w : loss;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec one = TVec.CreateConstant(1.0);
        TVec denominator = (one - x) * x;
        TVec eps = Lane.Of<TVec, T>(1e-12);
        denominator = TVec.Select(TVec.LessThan(denominator, eps), eps, denominator);
        TVec g = (x - y) / denominator;
        gradient = (TWeights.Value ? g * w : g) * scale;
        return Value(x, y, w);
    }
}

/// <summary>
/// Binary cross-entropy on logits, as PyTorch's binary_cross_entropy_with_logits:
/// w((1 − t)x + (1 + (pw − 1)t)·softplus(−x)) (in the form of <see cref="Logistic.CrossEntropy"/>); gradient
/// w((1 + (pw − 1)t)σ(x) − pw·t).
/// </summary>
internal readonly struct BinaryCrossEntropyWithLogitsOperator<T, TWeights, TPositiveWeight>(T positiveWeight) : ILogisticLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TWeights : struct, IFlag
    where TPositiveWeight : struct, IFlag
{
    public static bool UsesWeights
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TWeights.Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
        => ValueAndGradient(x, y, w, default, out _, computeGradient: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
        => ValueAndGradient(x, y, w, scale, out gradient, computeGradient: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient, bool computeGradient) where TVec : struct, IVec<TVec, T>
    {
        LogisticPieces<TVec> pieces;
        Logistic.Split<TVec, T>(x, out pieces.Sigmoid, out pieces.SigmoidOfNegative, out pieces.Log1pOfExpMinusAbs);
        return FromPieces(x, y, w, in pieces, scale, out gradient, computeGradient);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec FromPieces<TVec>(TVec x, TVec y, TVec w, in LogisticPieces<TVec> pieces, TVec scale, out TVec gradient, bool computeGradient) where TVec : struct, IVec<TVec, T>
    {
        TVec one = TVec.CreateConstant(1.0);
        TVec sigmoid = pieces.Sigmoid, log1pE = pieces.Log1pOfExpMinusAbs;
        TVec loss, g;
        if (TPositiveWeight.Value)
        {
            TVec pw = TVec.Create(positiveWeight);
            // With pw = 1 the log weight is exactly 1 and each step below rounds as in the branch without pw.
            TVec logWeight = TVec.MultiplyAdd(pw - one, y, one);
            TVec positiveTarget = pw * y;
            loss = Logistic.CrossEntropy<TVec, T>(x, y, positiveTarget, logWeight * log1pE);
            g = computeGradient ? TVec.MultiplyAdd(logWeight, sigmoid, -positiveTarget) : default;
        }
        else
        {
            loss = Logistic.CrossEntropy<TVec, T>(x, y, y, log1pE);
            g = computeGradient ? sigmoid - y : default;
        }
        gradient = computeGradient ? (TWeights.Value ? g * w : g) * scale : default;
        return TWeights.Value ? loss * w : loss;
    }
}

/// <summary>Hinge: max(0, 1 − t·x) for t = ±1; gradient −t where the margin is violated, else 0.</summary>
internal readonly struct HingeOperator<T, TSquared> : IPointwiseLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSquared : struct, IFlag
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Margin<TVec>(TVec x, TVec y) where TVec : struct, IVec<TVec, T>
    {
        TVec m = TVec.CreateConstant(1.0) - y * x;
        // max(0, m) that keeps NaN.
        return TVec.Select(TVec.LessThanOrEqual(m, TVec.CreateConstant(0.0)), TVec.CreateConstant(0.0), m);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        TVec m = Margin(x, y);
        return TSquared.Value ? m * m : m;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        TVec m = Margin(x, y);
        TVec zero = TVec.CreateConstant(0.0);
        if (TSquared.Value)
        {
            gradient = -((m + m) * y) * scale;
            return m * m;
        }
        // −t where m > 0, 0 where m = 0, NaN where m is NaN.
        TVec g = TVec.Select(TVec.GreaterThan(m, zero), -y, m * zero);
        gradient = g * scale;
        return m;
    }
}

/// <summary>
/// torchvision's sigmoid_focal_loss: α_t·ce·(1 − p_t)^γ with ce the BCE of the logits, p = σ(x),
/// p_t = p·t + (1 − p)(1 − t), α_t = αt + (1 − α)(1 − t) (1 when α &lt; 0). 1 − p_t is computed as
/// p(1 − t) + σ(−x)·t, so it keeps full relative accuracy when p saturates. The power m^γ is
/// <typeparamref name="TFocusing"/>'s, so that each γ compiles to a kernel of its own size.
/// </summary>
internal readonly struct SigmoidFocalOperator<T, TFocusing>(T alpha, T gamma) : ILogisticLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TFocusing : struct, IFocusing
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
        => Compute(x, y, default, out _, computeGradient: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
        => Compute(x, y, scale, out gradient, computeGradient: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVec Compute<TVec>(TVec x, TVec y, TVec scale, out TVec gradient, bool computeGradient) where TVec : struct, IVec<TVec, T>
    {
        LogisticPieces<TVec> pieces;
        Logistic.Split<TVec, T>(x, out pieces.Sigmoid, out pieces.SigmoidOfNegative, out pieces.Log1pOfExpMinusAbs);
        return FromPieces(x, y, default, in pieces, scale, out gradient, computeGradient);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec FromPieces<TVec>(TVec x, TVec y, TVec w, in LogisticPieces<TVec> pieces, TVec scale, out TVec gradient, bool computeGradient) where TVec : struct, IVec<TVec, T>
    {
        TVec one = TVec.CreateConstant(1.0);
        TVec p = pieces.Sigmoid, q = pieces.SigmoidOfNegative, log1pE = pieces.Log1pOfExpMinusAbs;
        TVec ce = Logistic.CrossEntropy<TVec, T>(x, y, y, log1pE);
        TVec m = p * (one - y) + q * y;           // 1 − p_t
        TVec g = TVec.Create(gamma);
        TVec mPowGamma = TFocusing.Power<TVec, T>(m, g, out TVec mPowGammaMinus1);
        TVec loss = ce * mPowGamma;
        TVec alphaT = one;
        if (alpha >= Constant.Of<T>(0.0))
        {
            TVec a = TVec.Create(alpha);
            alphaT = a * y + (one - a) * (one - y);
            loss = alphaT * loss;
        }
        if (computeGradient)
        {
            // d/dx [ce·m^γ] = (p − t)·m^γ + γ·ce·m^(γ−1)·p·q·(1 − 2t)
            TVec dm = (p * q) * (one - (y + y));
            // ce·dm first: ce grows like |x| while p·q = σ(x)σ(−x) shrinks like e^−|x|, so their product stays
            // finite where γ·ce alone could overflow (x near float.MaxValue).
            TVec d = (p - y) * mPowGamma + ((ce * dm) * g) * mPowGammaMinus1;
            gradient = (alpha >= Constant.Of<T>(0.0) ? alphaT * d : d) * scale;
        }
        else
        {
            gradient = default;
        }
        return loss;
    }
}

/// <summary>The focal loss's power m^γ of 1 − p_t, and m^(γ−1) for its derivative, for one kind of γ.</summary>
internal interface IFocusing
{
    static abstract TVec Power<TVec, T>(TVec m, TVec gamma, out TVec powerMinusOne)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>;
}

/// <summary>γ = 0: m^γ = 1 (and m^(γ−1) is multiplied by γ = 0).</summary>
internal readonly struct FocusingZero : IFocusing
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Power<TVec, T>(TVec m, TVec gamma, out TVec powerMinusOne)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        powerMinusOne = TVec.CreateConstant(0.0);
        return TVec.CreateConstant(1.0);
    }
}

/// <summary>γ = 1: m.</summary>
internal readonly struct FocusingOne : IFocusing
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Power<TVec, T>(TVec m, TVec gamma, out TVec powerMinusOne)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        powerMinusOne = TVec.CreateConstant(1.0);
        return m;
    }
}

/// <summary>γ = 2: m².</summary>
internal readonly struct FocusingTwo : IFocusing
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Power<TVec, T>(TVec m, TVec gamma, out TVec powerMinusOne)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        powerMinusOne = m;
        return m * m;
    }
}

/// <summary>Any other γ: e^(γ log m).</summary>
internal readonly struct FocusingAny : IFocusing
{
    // A call of its own: with an exp and a log inline beside the logistic pieces, the kernel exceeded the JIT's
    // inlining budget and ran every vector operation as a call (33 ns/element on AVX-512; 3.7 with this one call).
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TVec Power<TVec, T>(TVec m, TVec gamma, out TVec powerMinusOne)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // m = 0 gives e^−∞ = 0, and m^(γ−1) = m^γ/m is taken as 0 there, its limit times the vanishing p(1 − p)
        // factor.
        TVec power = VMath.Exp<TVec, T>(gamma * VMath.Log<TVec, T>(m));
        powerMinusOne = TVec.Select(TVec.GreaterThan(m, TVec.CreateConstant(0.0)), power / m, TVec.CreateConstant(0.0));
        return power;
    }
}

/// <summary>
/// Kullback–Leibler divergence on log-probabilities x, as PyTorch's kl_div: t(log t − x) with 0 where t = 0
/// (or e^t(t − x) for log targets); gradient −t (or −e^t).
/// </summary>
internal readonly struct KullbackLeiblerOperator<T, TLogTarget> : IPointwiseLoss<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TLogTarget : struct, IFlag
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, T>
    {
        if (typeof(TLogTarget) == typeof(Yes))
        {
            return VMath.Exp<TVec, T>(y) * (y - x);
        }
        TVec zero = TVec.CreateConstant(0.0);
        // xlogy(t, t) − t·x, with xlogy(0, ·) = 0.
        TVec xlogy = TVec.Select(TVec.Equal(y, zero), zero, y * VMath.Log<TVec, T>(y));
        return xlogy - y * x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, T>
    {
        if (typeof(TLogTarget) == typeof(Yes))
        {
            TVec e = VMath.Exp<TVec, T>(y);
            gradient = -(e * scale);
            return e * (y - x);
        }
        gradient = -(y * scale);
        return Value(x, y, w);
    }
}

/// <summary>A compile-time boolean, so that an operator's options cost nothing in its loop.</summary>
internal interface IFlag
{
    static abstract bool Value { get; }
}

/// <summary>True.</summary>
internal readonly struct Yes : IFlag
{
    public static bool Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }
}

/// <summary>False.</summary>
internal readonly struct No : IFlag
{
    public static bool Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => false;
    }
}
