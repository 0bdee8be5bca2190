using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Sigmoid focal loss, as torchvision's <c>sigmoid_focal_loss</c>; stable for any finite logit.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c> in [0, 1], as many as the logits.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="alpha">The weight α of the positive class, at most 1; a negative value turns the α-weighting off (as torchvision's <c>alpha=-1</c>).</param>
    /// <param name="gamma">The focusing exponent γ; not negative.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>Per element <c>α_t·ce·(1 − p_t)^γ</c> with <c>ce</c> the binary cross-entropy of the logit, <c>p = σ(x)</c>, <c>p_t = p·t + (1 − p)(1 − t)</c> and <c>α_t = α·t + (1 − α)(1 − t)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="logits"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SigmoidFocal<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean, double alpha = 0.25, double gamma = 2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(SigmoidFocalForm(logits, targets, default, reduction, alpha, gamma, Form.Value));

    /// <summary>Sigmoid focal loss, as torchvision's <c>sigmoid_focal_loss</c>; stable for any finite logit. Also writes the gradient with respect to <paramref name="logits"/>, in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c> in [0, 1], as many as the logits.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits[i]</c> (including the <c>1/n</c> of <c>Mean</c>): as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="alpha">The weight α of the positive class, at most 1; a negative value turns the α-weighting off (as torchvision's <c>alpha=-1</c>).</param>
    /// <param name="gamma">The focusing exponent γ; not negative.</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <remarks>Per element <c>α_t·ce·(1 − p_t)^γ</c> with <c>ce</c> the binary cross-entropy of the logit, <c>p = σ(x)</c>, <c>p_t = p·t + (1 − p)(1 − t)</c> and <c>α_t = α·t + (1 − α)(1 − t)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="logits"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SigmoidFocal<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean, double alpha = 0.25, double gamma = 2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(SigmoidFocalForm(logits, targets, gradient, reduction, alpha, gamma, Form.Fused));

    /// <summary>The per-element form of SigmoidFocal (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c> in [0, 1], as many as the logits.</param>
    /// <param name="destination">Receives each element's loss: as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="alpha">The weight α of the positive class, at most 1; a negative value turns the α-weighting off (as torchvision's <c>alpha=-1</c>).</param>
    /// <param name="gamma">The focusing exponent γ; not negative.</param>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="logits"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void SigmoidFocalPerElement<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> destination, double alpha = 0.25, double gamma = 2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => SigmoidFocalForm(logits, targets, destination, Reduction.Sum, alpha, gamma, Form.PerElement);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double SigmoidFocalForm<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, double alpha, double gamma, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(logits, targets);
        Guard.Output(output, form, logits, targets, default);
        normalization.Check();
        Guard.NonNegative(gamma);
        Guard.Probabilities(targets);
        if (!(alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be at most 1 (negative turns the weighting off).");
        }
        T a = T.CreateTruncating(alpha), g = T.CreateTruncating(gamma);
        // γ = 0, 1, 2 (the usual values) each compile to their own kernel: one kernel holding all four powers
        // exceeded the JIT's inlining budget and ran every vector operation as a call (13 ns/element).
        return gamma switch
        {
            0 => Pointwise.Run(logits, targets, default, output, new SigmoidFocalOperator<T, FocusingZero>(a, g), normalization, form),
            1 => Pointwise.Run(logits, targets, default, output, new SigmoidFocalOperator<T, FocusingOne>(a, g), normalization, form),
            2 => Pointwise.Run(logits, targets, default, output, new SigmoidFocalOperator<T, FocusingTwo>(a, g), normalization, form),
            _ => Pointwise.Run(logits, targets, default, output, new SigmoidFocalOperator<T, FocusingAny>(a, g), normalization, form),
        };
    }
}

public static partial class Shard
{
    /// <summary>The partial of one shard for <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>: the sum of its element losses.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c> of the shard.</param>
    /// <param name="targets">The targets in [0, 1], as many as the logits.</param>
    /// <param name="alpha">The weight α of the positive class, at most 1; negative turns the weighting off.</param>
    /// <param name="gamma">The focusing exponent γ; not negative.</param>
    /// <returns>The shard's partial: the sum of its losses, and its element count as its weight.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SigmoidFocal<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double alpha = 0.25, double gamma = 2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.SigmoidFocalForm(logits, targets, default, Reduction.Sum, alpha, gamma, Form.Value), logits.Length);

    /// <summary>The partial of one shard for <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>, and the shard's part of the batch's gradient, fused.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c> of the shard.</param>
    /// <param name="targets">The targets in [0, 1], as many as the logits.</param>
    /// <param name="batchWeight">The whole batch's weight: the batch's element count; 1 for the gradient of the <c>Sum</c>. Positive and finite.</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits</c> of the batch's loss, for this shard's elements: as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="alpha">The weight α of the positive class, at most 1; negative turns the weighting off.</param>
    /// <param name="gamma">The focusing exponent γ; not negative.</param>
    /// <returns>The shard's partial, as the value-only overload returns it.</returns>
    /// <exception cref="ArgumentException">As in <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As in <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/>, or <paramref name="batchWeight"/> is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static LossPartial SigmoidFocal<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, double batchWeight, Span<T> gradient, double alpha = 0.25, double gamma = 2)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => new(Loss.SigmoidFocalForm(logits, targets, gradient, Normalization.Shard(batchWeight), alpha, gamma, Form.Fused), logits.Length);
}

public static partial class ObjectiveTerm
{
    /// <summary>
    /// <paramref name="weight"/> · <see cref="Loss.SigmoidFocal{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction, double, double)"/> on logits,
    /// targets in [0, 1]; <paramref name="alpha"/> ≤ 1 (negative: no weighting), <paramref name="gamma"/> ≥ 0.
    /// </summary>
    public static ObjectiveTerm<T> SigmoidFocal<T>(T weight, double alpha = 0.25, double gamma = 2) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.NonNegative(gamma);
        if (!(alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be at most 1 (negative turns the weighting off).");
        }
        T a = T.CreateTruncating(alpha), g = T.CreateTruncating(gamma);
        string name = $"SigmoidFocal(alpha={alpha}, gamma={gamma})";
        // The kernels of the single loss, one per usual γ (see Loss.SigmoidFocal).
        return gamma switch
        {
            0 => new LogisticTerm<T, SigmoidFocalOperator<T, FocusingZero>>(name, weight, new(a, g), TargetsInUnitInterval),
            1 => new LogisticTerm<T, SigmoidFocalOperator<T, FocusingOne>>(name, weight, new(a, g), TargetsInUnitInterval),
            2 => new LogisticTerm<T, SigmoidFocalOperator<T, FocusingTwo>>(name, weight, new(a, g), TargetsInUnitInterval),
            _ => new LogisticTerm<T, SigmoidFocalOperator<T, FocusingAny>>(name, weight, new(a, g), TargetsInUnitInterval),
        };
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
    // Optimized from its first call, as the kernel calling it is: it ran as tier-0 code (a call per vector) until
    // tiered compilation promoted it.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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
