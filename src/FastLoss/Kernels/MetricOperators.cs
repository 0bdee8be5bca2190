using System.Runtime.CompilerServices;
using FastLoss.Simd;

namespace FastLoss.Kernels;

// The per-element terms of the metrics, in double (the metrics widen float inputs first). Each is an element-wise
// operator like a loss's, so the metrics run on the losses' driver and share its fixed order of summation; the
// gradient is the term's derivative with respect to the first input, which the metrics never ask for.

/// <summary>The second input: Σt (the targets' mean, the actual positives of 0/1 targets).</summary>
internal readonly struct SecondInputOperator : IPointwiseLoss<double>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, double> => y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, double>
    {
        gradient = TVec.CreateConstant(0.0);
        return y;
    }
}

/// <summary>t − s: the targets' offsets from a shift s (one of them), whose mean is not rounded at the targets' magnitude.</summary>
internal readonly struct ShiftedTargetOperator(double shift) : IPointwiseLoss<double>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, double> => y - TVec.Create(shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, double>
    {
        gradient = TVec.CreateConstant(0.0);
        return Value(x, y, w);
    }
}

/// <summary>((t − s) − o)²: the targets' squared deviations from their mean s + o (R²'s total sum of squares).</summary>
internal readonly struct CenteredSquareOperator(double shift, double offset) : IPointwiseLoss<double>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, double>
    {
        TVec d = (y - TVec.Create(shift)) - TVec.Create(offset);
        return d * d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, double>
    {
        gradient = TVec.CreateConstant(0.0);
        return Value(x, y, w);
    }
}

/// <summary>|t − p| / max(|t|, ε) with ε = 2⁻⁵² (scikit-learn's mean_absolute_percentage_error).</summary>
internal readonly struct AbsolutePercentageErrorOperator : IPointwiseLoss<double>
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Denominator<TVec>(TVec y) where TVec : struct, IVec<TVec, double>
        => TVec.MaxSelect(Lane.Abs<TVec, double>(y), TVec.CreateConstant(2.220446049250313e-16));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, double>
        => Lane.Abs<TVec, double>(y - x) / Denominator(y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, double>
    {
        TVec denominator = Denominator(y);
        gradient = Lane.SignTimes<TVec, double>(x - y, scale / denominator);
        return Lane.Abs<TVec, double>(y - x) / denominator;
    }
}

/// <summary>
/// Binary log loss of a probability p and a 0/1 target t: −t·log(q) − (1 − t)·log(1 − q), q = p clipped to
/// [ε, 1 − ε] with ε the input type's machine epsilon (scikit-learn's log_loss).
/// </summary>
internal readonly struct BinaryLogLossOperator(double epsilon) : IPointwiseLoss<double>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVec Clipped<TVec>(TVec p) where TVec : struct, IVec<TVec, double>
        => TVec.Select(TVec.Equal(p, p), TVec.MinSelect(TVec.MaxSelect(p, TVec.Create(epsilon)), TVec.Create(1 - epsilon)), p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, double>
    {
        TVec q = Clipped(x);
        TVec one = TVec.CreateConstant(1.0);
        // Both logarithms are finite (q is clipped), so a 0 target zeroes its term exactly.
        return -(y * VMath.Log<TVec, double>(q) + (one - y) * VMath.Log<TVec, double>(one - q));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, double>
    {
        TVec q = Clipped(x);
        TVec one = TVec.CreateConstant(1.0);
        TVec inside = TVec.Equal(q, x);
        gradient = TVec.Select(inside, (q - y) / (q * (one - q)) * scale, TVec.CreateConstant(0.0));
        return Value(x, y, w);
    }
}

/// <summary>
/// Counts of a thresholded binary classifier: 1 where p &gt; threshold (predicted positive), times the target
/// when <typeparamref name="TTimesTarget"/> is <see cref="Yes"/> (true positives of 0/1 targets).
/// </summary>
internal readonly struct AboveThresholdOperator<TTimesTarget>(double threshold) : IPointwiseLoss<double> where TTimesTarget : struct, IFlag
{
    public static bool Cheap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec>(TVec x, TVec y, TVec w) where TVec : struct, IVec<TVec, double>
    {
        TVec count = TVec.Select(TVec.GreaterThan(x, TVec.Create(threshold)), TTimesTarget.Value ? y : TVec.CreateConstant(1.0), TVec.CreateConstant(0.0));
        // A NaN probability is not a negative: it makes the count NaN.
        return TVec.Select(TVec.Equal(x, x), count, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec ValueAndGradient<TVec>(TVec x, TVec y, TVec w, TVec scale, out TVec gradient) where TVec : struct, IVec<TVec, double>
    {
        gradient = TVec.CreateConstant(0.0);
        return Value(x, y, w);
    }
}
