using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;

namespace FastLoss;

public static partial class Loss
{
    /// <summary>Mean squared error: the reduced <c>(p − t)²</c>, as PyTorch's <c>mse_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element <c>(p − t)²</c>; derivative <c>2(p − t)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="predictions"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MeanSquaredErrorForm(predictions, targets, default, reduction, Form.Value));

    /// <summary>Mean squared error: the reduced <c>(p − t)²</c>, as PyTorch's <c>mse_loss</c>. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/> (in place).</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element <c>(p − t)²</c>; derivative <c>2(p − t)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MeanSquaredErrorForm(predictions, targets, gradient, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="MeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void MeanSquaredErrorPerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MeanSquaredErrorForm(predictions, targets, destination, Reduction.Sum, Form.PerElement);

    /// <summary>Mean absolute error (L1): the reduced <c>|p − t|</c>, as PyTorch's <c>l1_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element <c>|p − t|</c>; derivative <c>sign(p − t)</c>, 0 where <c>p = t</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="predictions"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MeanAbsoluteError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MeanAbsoluteErrorForm(predictions, targets, default, reduction, Form.Value));

    /// <summary>Mean absolute error (L1): the reduced <c>|p − t|</c>, as PyTorch's <c>l1_loss</c>. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/> (in place).</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element <c>|p − t|</c>; derivative <c>sign(p − t)</c>, 0 where <c>p = t</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T MeanAbsoluteError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(MeanAbsoluteErrorForm(predictions, targets, gradient, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void MeanAbsoluteErrorPerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MeanAbsoluteErrorForm(predictions, targets, destination, Reduction.Sum, Form.PerElement);

    /// <summary>Huber loss, as PyTorch's <c>huber_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="delta">The threshold δ between the quadratic and the linear part; must be positive.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element, with <c>d = p − t</c>: <c>½d²</c> where <c>|d| &lt; δ</c>, else <c>δ(|d| − ½δ)</c>; derivative <c>clamp(d, −δ, δ)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="predictions"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Huber<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T delta, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HuberForm(predictions, targets, default, delta, reduction, Form.Value));

    /// <summary>Huber loss, as PyTorch's <c>huber_loss</c>. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/> (in place).</param>
    /// <param name="delta">The threshold δ between the quadratic and the linear part; must be positive.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element, with <c>d = p − t</c>: <c>½d²</c> where <c>|d| &lt; δ</c>, else <c>δ(|d| − ½δ)</c>; derivative <c>clamp(d, −δ, δ)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Huber<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, T delta, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(HuberForm(predictions, targets, gradient, delta, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="Huber{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="delta">The threshold δ between the quadratic and the linear part; must be positive.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is out of range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void HuberPerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination, T delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => HuberForm(predictions, targets, destination, delta, Reduction.Sum, Form.PerElement);

    /// <summary>Smooth L1 loss, as PyTorch's <c>smooth_l1_loss</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="beta">The threshold β; zero makes it the L1 loss; must not be negative.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element, with <c>d = p − t</c>: <c>½d²/β</c> where <c>|d| &lt; β</c>, else <c>|d| − ½β</c>; derivative <c>clamp(d/β, −1, 1)</c>. <c>β = 0</c> is exactly <see cref="MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="predictions"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SmoothL1<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T beta, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(SmoothL1Form(predictions, targets, default, beta, reduction, Form.Value));

    /// <summary>Smooth L1 loss, as PyTorch's <c>smooth_l1_loss</c>. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/> (in place).</param>
    /// <param name="beta">The threshold β; zero makes it the L1 loss; must not be negative.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element, with <c>d = p − t</c>: <c>½d²/β</c> where <c>|d| &lt; β</c>, else <c>|d| − ½β</c>; derivative <c>clamp(d/β, −1, 1)</c>. <c>β = 0</c> is exactly <see cref="MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T SmoothL1<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, T beta, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(SmoothL1Form(predictions, targets, gradient, beta, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="SmoothL1{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="beta">The threshold β; zero makes it the L1 loss; must not be negative.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is out of range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void SmoothL1PerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination, T beta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => SmoothL1Form(predictions, targets, destination, beta, Reduction.Sum, Form.PerElement);

    /// <summary>Log-cosh loss: the reduced <c>log(cosh(p − t))</c>, computed without overflow for any finite input.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element <c>log(cosh d)</c> with <c>d = p − t</c>, evaluated as <c>log1p((e^|d| − 1)²/(2e^|d|))</c> for <c>|d| &lt; 1</c> (no cancellation for small residuals) and as <c>|d| − log 2 + log1p(e^(−2|d|))</c> beyond (no overflow); derivative <c>tanh(d)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="predictions"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T LogCosh<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(LogCoshForm(predictions, targets, default, reduction, Form.Value));

    /// <summary>Log-cosh loss: the reduced <c>log(cosh(p − t))</c>, computed without overflow for any finite input. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/> (in place).</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element <c>log(cosh d)</c> with <c>d = p − t</c>, evaluated as <c>log1p((e^|d| − 1)²/(2e^|d|))</c> for <c>|d| &lt; 1</c> (no cancellation for small residuals) and as <c>|d| − log 2 + log1p(e^(−2|d|))</c> beyond (no overflow); derivative <c>tanh(d)</c>. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T LogCosh<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(LogCoshForm(predictions, targets, gradient, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="LogCosh{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Reduction)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void LogCoshPerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => LogCoshForm(predictions, targets, destination, Reduction.Sum, Form.PerElement);

    /// <summary>Quantile (pinball) loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="quantile">The quantile τ, strictly between 0 and 1.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss.</returns>
    /// <remarks>
    /// Per element, with <c>u = t − p</c>: <c>max(τu, (τ − 1)u)</c>; derivative with respect to <c>p</c>: <c>−τ</c> where <c>t &gt; p</c>, <c>1 − τ</c> where <c>t &lt; p</c>, 0 where they are equal. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths of <paramref name="predictions"/> and <paramref name="targets"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Quantile<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, T quantile, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(QuantileForm(predictions, targets, default, quantile, reduction, Form.Value));

    /// <summary>Quantile (pinball) loss. Also writes the gradient, in the same pass over the data.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂loss/∂predictions[i]</c> (including the <c>1/n</c> of <c>Mean</c>); as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/> (in place).</param>
    /// <param name="quantile">The quantile τ, strictly between 0 and 1.</param>
    /// <param name="reduction">Mean (default) or sum.</param>
    /// <returns>The reduced loss, equal to what the value-only overload returns.</returns>
    /// <remarks>
    /// Per element, with <c>u = t − p</c>: <c>max(τu, (τ − 1)u)</c>; derivative with respect to <c>p</c>: <c>−τ</c> where <c>t &gt; p</c>, <c>1 − τ</c> where <c>t &lt; p</c>, 0 where they are equal. <c>Mean</c> divides the sum by the number of elements; empty input gives 0 for <c>Sum</c> and NaN for <c>Mean</c>.
    /// NaN and infinities propagate. The sum is taken in double in an order fixed by the library, so the result is
    /// bit-identical on every CPU and wherever the data sits in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> is out of range, or <paramref name="reduction"/> is not a <see cref="Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static T Quantile<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, T quantile, Reduction reduction = Reduction.Mean)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(QuantileForm(predictions, targets, gradient, quantile, reduction, Form.Fused));

    /// <summary>The per-element form of <see cref="Quantile{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, Reduction)"/> (PyTorch's <c>reduction='none'</c>): writes each element's loss.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="destination">Receives the loss of each element; as long as <paramref name="predictions"/>, and either separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <param name="quantile">The quantile τ, strictly between 0 and 1.</param>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="destination"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> is out of range.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void QuantilePerElement<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> destination, T quantile)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => QuantileForm(predictions, targets, destination, quantile, Reduction.Sum, Form.PerElement);

    /// <summary>Root mean squared error: <c>sqrt(mean((p − t)²))</c>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <returns>The RMSE; NaN for empty input.</returns>
    /// <remarks>
    /// The mean is taken in double in an order fixed by the library (bit-identical on every CPU); the square root
    /// of it is rounded once to <typeparamref name="T"/>. Right for every finite input: where the squares would
    /// overflow or fall below the normal range of <typeparamref name="T"/> (|p − t| beyond about 1.8e19 or below
    /// 1e-15 in float, 1.3e154 and 1e-146 in double), a second pass takes them of the differences scaled by a power
    /// of two, as <c>hypot</c> does. ∞ only where the RMSE itself exceeds <typeparamref name="T"/>'s range.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T RootMeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        if (predictions.IsEmpty)
        {
            return T.NaN;
        }
        double scaledRms = ScaledRootMeanSquare(predictions, targets, out T scale);
        return T.CreateTruncating(scaledRms / double.CreateTruncating(scale));
    }

    /// <summary>Root mean squared error, and its gradient <c>(p − t)/(n·rmse)</c> (0 everywhere where the RMSE is 0).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="predictions">The predictions <c>p</c>.</param>
    /// <param name="targets">The targets <c>t</c>, as many as <paramref name="predictions"/>.</param>
    /// <param name="gradient">Receives <c>∂rmse/∂predictions[i]</c>; as long as <paramref name="predictions"/>, separate from the inputs or the very memory of <paramref name="predictions"/>.</param>
    /// <returns>The RMSE; NaN for empty input (nothing is written).</returns>
    /// <remarks>
    /// The gradient needs the RMSE first, so this reads the inputs twice: once to reduce and once to write the
    /// gradient (three times where the squares need scaling, see the value-only overload). The gradient is right
    /// for every finite input too: it is formed from the scaled differences and the scaled RMSE, each in range.
    /// </remarks>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="gradient"/> overlaps an input other than being <paramref name="predictions"/> itself.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T RootMeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(gradient, predictions, targets, default);
        if (predictions.IsEmpty)
        {
            return T.NaN;
        }
        double scaledRms = ScaledRootMeanSquare(predictions, targets, out T scale);
        T result = T.CreateTruncating(scaledRms / double.CreateTruncating(scale));
        // (p·s − t·s)/(n·rmse·s); where the RMSE is 0 every difference is 0 and so is the gradient.
        T factor = scaledRms == 0 ? T.Zero : T.CreateTruncating(1.0 / (predictions.Length * scaledRms));
        Pointwise.Run(predictions, targets, default, gradient, new ScaledDifferenceOperator<T>(scale, factor), Reduction.Sum, Form.PerElement);
        return result;
    }

    /// <summary>
    /// sqrt(mean((p·s − t·s)²)) and the power of two s it was taken with: 1 where the squares of the plain
    /// differences are in range, else one chosen from the first pass's sum, so that the largest scaled difference
    /// is near 2^60 (float) or 2^480 (double): its square is far from overflow, even summed over 2^31 elements,
    /// and any difference small enough to lose its square to underflow is below 2^-120 of the largest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ScaledRootMeanSquare<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, out T scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        int n = predictions.Length;
        double mean = Dispatch.Pointwise<T, SquaredErrorOperator<T>, ValueMode>(predictions, targets, default, default, default, T.One, n);
        scale = T.One;
        // Squares below T's normal range lose bits (at most 2^-150 or 2^-1075 each): below this mean that could be
        // more than 2^-50 (2^-105) of it. An infinite mean comes from finite differences whose squares overflow
        // (or from infinite inputs, which the second pass gives again).
        double smallest = Math.ScaleB(1.0, single ? -100 : -970);
        if (!(mean < smallest) && !double.IsPositiveInfinity(mean))
        {
            return Math.Sqrt(mean);
        }
        // A bound on max |p − t|: every difference whose square is normal has it in the sum, n·mean; the others are
        // below the square root of T's smallest normal. Where the squares overflowed, p − t itself may have: 2·MaxValue.
        int log2Bound = double.IsPositiveInfinity(mean)
            ? (single ? 129 : 1025)
            : Math.ILogB(Math.Max(Math.Sqrt(mean) * Math.Sqrt(n) * (1 + 1e-6), Math.ScaleB(1.0, single ? -63 : -511))) + 1;
        scale = T.CreateTruncating(Math.ScaleB(1.0, (single ? 60 : 480) - log2Bound));
        return Math.Sqrt(Dispatch.Pointwise<T, ScaledSquaredErrorOperator<T>, ValueMode>(predictions, targets, default, default, new ScaledSquaredErrorOperator<T>(scale), T.One, n));
    }

    // Each element-wise loss runs through one method for its three forms (value, fused, per element) and for its
    // shards (Shard): the checks once, then the operator over the elements (Pointwise.Run).

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double MeanSquaredErrorForm<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        normalization.Check();
        return Pointwise.Run(predictions, targets, default, output, new SquaredErrorOperator<T>(), normalization, form);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double MeanAbsoluteErrorForm<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        normalization.Check();
        return Pointwise.Run(predictions, targets, default, output, new AbsoluteErrorOperator<T>(), normalization, form);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double HuberForm<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, T delta, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        Guard.Positive(delta);
        normalization.Check();
        return Pointwise.Run(predictions, targets, default, output, new HuberOperator<T>(delta), normalization, form);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double SmoothL1Form<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, T beta, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        Guard.NonNegative(beta);
        normalization.Check();
        // β = 0 is the absolute error (its operator: no division by β).
        return beta == T.Zero
            ? Pointwise.Run(predictions, targets, default, output, new AbsoluteErrorOperator<T>(), normalization, form)
            : Pointwise.Run(predictions, targets, default, output, new SmoothL1Operator<T>(beta), normalization, form);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double LogCoshForm<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        normalization.Check();
        return Pointwise.Run(predictions, targets, default, output, new LogCoshOperator<T>(), normalization, form);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double QuantileForm<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> output, T quantile, Normalization normalization, Form form)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Supported<T>();
        Guard.SameLength(predictions, targets);
        Guard.Output(output, form, predictions, targets, default);
        Guard.OpenUnitInterval(quantile);
        normalization.Check();
        return Pointwise.Run(predictions, targets, default, output, new QuantileOperator<T>(quantile), normalization, form);
    }
}
