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
