using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Binary cross-entropy of probabilities, as PyTorch's <c>binary_cross_entropy</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities <c>p</c>, each in [0, 1] (NaN propagates).</param>
    /// <param name="targets">The targets <c>t</c>, as many as the probabilities (usually 0 or 1).</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>Per element <c>−w(t·log p + (1 − t)·log(1 − p))</c> with each log clamped at −100 (so p = 0 or 1 gives a finite loss); derivative <c>w(p − t)/max(p(1 − p), 1e-12)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="probabilities"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T BinaryCrossEntropy<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean, ReadOnlySpan<T> weights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(BinaryCrossEntropyForm(probabilities, targets, default, reduction, weights, Form.Value));

    /// <summary>Binary cross-entropy of probabilities, as PyTorch's <c>binary_cross_entropy</c>. Also writes the gradient with respect to <paramref name="probabilities"/>, in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities <c>p</c>, each in [0, 1] (NaN propagates).</param>
    /// <param name="targets">The targets <c>t</c>, as many as the probabilities (usually 0 or 1).</param>
    /// <param name="gradient">Receives <c>∂loss/∂probabilities[i]</c> (including the <c>1/n</c> of <c>Mean</c>): as long as <paramref name="probabilities"/>, separate from the inputs or the very memory of <paramref name="probabilities"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <remarks>Per element <c>−w(t·log p + (1 − t)·log(1 − p))</c> with each log clamped at −100 (so p = 0 or 1 gives a finite loss); derivative <c>w(p − t)/max(p(1 − p), 1e-12)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="probabilities"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T BinaryCrossEntropy<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean, ReadOnlySpan<T> weights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(BinaryCrossEntropyForm(probabilities, targets, gradient, reduction, weights, Form.Fused));

    /// <summary>The per-element form of BinaryCrossEntropy (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="probabilities">The predicted probabilities <c>p</c>, each in [0, 1] (NaN propagates).</param>
    /// <param name="targets">The targets <c>t</c>, as many as the probabilities (usually 0 or 1).</param>
    /// <param name="destination">Receives each element's loss: as long as <paramref name="probabilities"/>, separate from the inputs or the very memory of <paramref name="probabilities"/>.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="probabilities"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void BinaryCrossEntropyPerElement<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, Span<T> destination, ReadOnlySpan<T> weights = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => BinaryCrossEntropyForm(probabilities, targets, destination, Reduction.Sum, weights, Form.PerElement);

    /// <summary>Binary cross-entropy of logits, as PyTorch's <c>binary_cross_entropy_with_logits</c>; stable for any finite logit.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the logits (usually 0 or 1).</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <param name="positiveWeight">Optional weight <c>pw</c> of the positive term (PyTorch's <c>pos_weight</c> as one scalar); not negative. Null means 1.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>Per element <c>−w(pw·t·log σ(x) + (1 − t)·log(1 − σ(x)))</c>, computed as <c>w((1 − t)x + (1 + (pw − 1)t)·softplus(−x))</c> with the <c>−x</c> of softplus folded into the linear term for <c>x &lt; 0</c>, so that no term cancels: never negative for <c>t</c> in [0, 1], accurate for any finite <c>x</c>; derivative <c>w((1 + (pw − 1)t)·σ(x) − pw·t)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="logits"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T BinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean, ReadOnlySpan<T> weights = default, T? positiveWeight = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(BinaryCrossEntropyWithLogitsForm(logits, targets, default, reduction, weights, positiveWeight, Form.Value));

    /// <summary>Binary cross-entropy of logits, as PyTorch's <c>binary_cross_entropy_with_logits</c>; stable for any finite logit. Also writes the gradient with respect to <paramref name="logits"/>, in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the logits (usually 0 or 1).</param>
    /// <param name="gradient">Receives <c>∂loss/∂logits[i]</c> (including the <c>1/n</c> of <c>Mean</c>): as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <param name="positiveWeight">Optional weight <c>pw</c> of the positive term (PyTorch's <c>pos_weight</c> as one scalar); not negative. Null means 1.</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <remarks>Per element <c>−w(pw·t·log σ(x) + (1 − t)·log(1 − σ(x)))</c>, computed as <c>w((1 − t)x + (1 + (pw − 1)t)·softplus(−x))</c> with the <c>−x</c> of softplus folded into the linear term for <c>x &lt; 0</c>, so that no term cancels: never negative for <c>t</c> in [0, 1], accurate for any finite <c>x</c>; derivative <c>w((1 + (pw − 1)t)·σ(x) − pw·t)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="logits"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T BinaryCrossEntropyWithLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean, ReadOnlySpan<T> weights = default, T? positiveWeight = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(BinaryCrossEntropyWithLogitsForm(logits, targets, gradient, reduction, weights, positiveWeight, Form.Fused));

    /// <summary>The per-element form of BinaryCrossEntropyWithLogits (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">The logits <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as the logits (usually 0 or 1).</param>
    /// <param name="destination">Receives each element's loss: as long as <paramref name="logits"/>, separate from the inputs or the very memory of <paramref name="logits"/>.</param>
    /// <param name="weights">Optional per-element weights (empty for none): as many as the inputs, none negative. <c>Mean</c> still divides by the number of elements, as PyTorch does.</param>
    /// <param name="positiveWeight">Optional weight <c>pw</c> of the positive term (PyTorch's <c>pos_weight</c> as one scalar); not negative. Null means 1.</param>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="logits"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void BinaryCrossEntropyWithLogitsPerElement<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> destination, ReadOnlySpan<T> weights = default, T? positiveWeight = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => BinaryCrossEntropyWithLogitsForm(logits, targets, destination, Reduction.Sum, weights, positiveWeight, Form.PerElement);

    /// <summary>Hinge loss for targets ±1, as scikit-learn's <c>hinge_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>Per element <c>max(0, 1 − t·x)</c>; derivative <c>−t</c> where <c>t·x &lt; 1</c>, else 0. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Hinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HingeForm<T, No>(scores, targets, default, reduction, Form.Value));

    /// <summary>Hinge loss for targets ±1, as scikit-learn's <c>hinge_loss</c>. Also writes the gradient with respect to <paramref name="scores"/>, in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="gradient">Receives <c>∂loss/∂scores[i]</c> (including the <c>1/n</c> of <c>Mean</c>): as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <remarks>Per element <c>max(0, 1 − t·x)</c>; derivative <c>−t</c> where <c>t·x &lt; 1</c>, else 0. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Hinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HingeForm<T, No>(scores, targets, gradient, reduction, Form.Fused));

    /// <summary>The per-element form of Hinge (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="destination">Receives each element's loss: as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void HingePerElement<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => HingeForm<T, No>(scores, targets, destination, Reduction.Sum, Form.PerElement);

    /// <summary>Squared hinge loss for targets ±1, as Keras's <c>squared_hinge</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>Per element <c>max(0, 1 − t·x)²</c>; derivative <c>−2t·max(0, 1 − t·x)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SquaredHinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HingeForm<T, Yes>(scores, targets, default, reduction, Form.Value));

    /// <summary>Squared hinge loss for targets ±1, as Keras's <c>squared_hinge</c>. Also writes the gradient with respect to <paramref name="scores"/>, in the same pass.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="gradient">Receives <c>∂loss/∂scores[i]</c> (including the <c>1/n</c> of <c>Mean</c>): as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to the value-only overload's.</returns>
    /// <remarks>Per element <c>max(0, 1 − t·x)²</c>; derivative <c>−2t·max(0, 1 − t·x)</c>. Empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>. Bit-identical on every CPU.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters), or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SquaredHinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HingeForm<T, Yes>(scores, targets, gradient, reduction, Form.Fused));

    /// <summary>The per-element form of SquaredHinge (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scores">The decision scores <c>x</c>.</param>
    /// <param name="targets">The targets <c>t</c>, each −1 or +1.</param>
    /// <param name="destination">Receives each element's loss: as long as <paramref name="scores"/>, separate from the inputs or the very memory of <paramref name="scores"/>.</param>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input other than being <paramref name="scores"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its domain (see the parameters).</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void SquaredHingePerElement<T>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => HingeForm<T, Yes>(scores, targets, destination, Reduction.Sum, Form.PerElement);

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

    // Each binary loss runs through one method for its three forms (value, fused, per element) and for its
    // shards (Shard): the checks once, then the operator over the elements (Pointwise.Run).

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double BinaryCrossEntropyForm<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, ReadOnlySpan<T> weights, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(probabilities, targets);
        Guard.Output(output, form, probabilities, targets, weights);
        normalization.Check();
        Guard.Weights(weights, probabilities.Length);
        Guard.Probabilities(probabilities);
        return weights.IsEmpty
            ? Pointwise.Run(probabilities, targets, weights, output, new BinaryCrossEntropyOperator<T, No>(), normalization, form)
            : Pointwise.Run(probabilities, targets, weights, output, new BinaryCrossEntropyOperator<T, Yes>(), normalization, form);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double BinaryCrossEntropyWithLogitsForm<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization,
        ReadOnlySpan<T> weights, T? positiveWeight, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(logits, targets);
        Guard.Output(output, form, logits, targets, weights);
        normalization.Check();
        Guard.Weights(weights, logits.Length);
        T pw = positiveWeight ?? T.One;
        Guard.NonNegative(pw, nameof(positiveWeight));
        // pw = 1 (or none) takes the operator without the positive weight: fewer operations, the same bits.
        return (weights.IsEmpty, pw == T.One) switch
        {
            (true, true) => Pointwise.Run(logits, targets, weights, output, new BinaryCrossEntropyWithLogitsOperator<T, No, No>(pw), normalization, form),
            (true, false) => Pointwise.Run(logits, targets, weights, output, new BinaryCrossEntropyWithLogitsOperator<T, No, Yes>(pw), normalization, form),
            (false, true) => Pointwise.Run(logits, targets, weights, output, new BinaryCrossEntropyWithLogitsOperator<T, Yes, No>(pw), normalization, form),
            _ => Pointwise.Run(logits, targets, weights, output, new BinaryCrossEntropyWithLogitsOperator<T, Yes, Yes>(pw), normalization, form),
        };
    }

    /// <summary>The hinge (<typeparamref name="TSquared"/>: No) and the squared hinge (Yes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double HingeForm<T, TSquared>(ReadOnlySpan<T> scores, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSquared : struct, IFlag
    {
        Guard.Supported<T>();
        Guard.SameLength(scores, targets);
        Guard.Output(output, form, scores, targets, default);
        normalization.Check();
        Guard.Signs(targets);
        return Pointwise.Run(scores, targets, default, output, new HingeOperator<T, TSquared>(), normalization, form);
    }

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
