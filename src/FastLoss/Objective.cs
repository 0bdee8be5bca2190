using System;
using System.Collections.Generic;
using System.Numerics;
using FastLoss.Kernels;

namespace FastLoss;

/// <summary>
/// A weighted sum of element-wise losses over the same input and target, <c>Σ wₖ·Lₖ</c> (for example
/// <c>0.7·MeanSquaredError + 0.3·Huber(δ)</c>), evaluated with its gradient <c>Σ wₖ·∇Lₖ</c> in one pass over the data.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>Build it once, then call it every step: a call allocates nothing. It is a fused kernel, not a loop over the
/// single losses: the input and target are read from memory once and the gradient written once, whatever the number of
/// terms (the terms take turns over tiles of 4 KB that stay in the first-level cache).</para>
/// <para>Each term's value <c>Lₖ</c> (reported through <c>termValues</c>) has the bits of the single loss's call with
/// the same reduction; the total is <c>Σ wₖ·Lₖ</c> taken in double and rounded once; the gradient is
/// <c>Σ (wₖ/n)·∇ℓₖ</c> in term order (<c>wₖ</c> for <c>Sum</c>), each scale rounded once, so it equals the single
/// losses' gradients combined by hand to rounding. Every path and any number of threads give the same bits.</para>
/// <para>The terms come from <see cref="ObjectiveTerm"/> (at most eight). An objective is immutable and may be used by
/// several threads at once.</para>
/// </remarks>
public sealed class Objective<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly ObjectiveTerm<T>[] _terms;
    private readonly TermPair<T>?[] _pairs; // [k]: terms k and k + 1 run as one

    /// <summary>An objective of <paramref name="terms"/>, each reduced by its mean.</summary>
    /// <param name="terms">One to eight terms, from <see cref="ObjectiveTerm"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="terms"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">There are no terms, or more than eight.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public Objective(params ObjectiveTerm<T>[] terms) : this(Reduction.Mean, terms)
    {
    }

    /// <summary>An objective of <paramref name="terms"/>, each reduced by <paramref name="reduction"/>.</summary>
    /// <param name="reduction">Mean (each term divided by the element count) or sum.</param>
    /// <param name="terms">One to eight terms, from <see cref="ObjectiveTerm"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="terms"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">There are no terms, or more than eight.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a <see cref="FastLoss.Reduction"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public Objective(Reduction reduction, params ObjectiveTerm<T>[] terms)
    {
        Guard.Supported<T>();
        Guard.Reduction(reduction);
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Length is 0 or > Segments.MaxWidth)
        {
            throw new ArgumentException($"An objective has 1 to {Segments.MaxWidth} terms, not {terms.Length}.", nameof(terms));
        }
        for (int k = 0; k < terms.Length; k++)
        {
            if (terms[k] is null)
            {
                throw new ArgumentNullException(nameof(terms), $"terms[{k}] is null.");
            }
        }
        _terms = (ObjectiveTerm<T>[])terms.Clone();
        _pairs = new TermPair<T>?[_terms.Length];
        for (int k = 0; k + 1 < _terms.Length; k++)
        {
            if (_terms[k].PairWith(_terms[k + 1]) is TermPair<T> pair)
            {
                _pairs[k++] = pair;
            }
        }
        Reduction = reduction;
    }

    /// <summary>The terms, in the order they were given (the order of <c>termValues</c> and of the rows of <c>termGradients</c>).</summary>
    public IReadOnlyList<ObjectiveTerm<T>> Terms => _terms;

    /// <summary>The number of terms.</summary>
    public int Count => _terms.Length;

    /// <summary>How each term is reduced.</summary>
    public Reduction Reduction { get; }

    /// <summary>The objective's value <c>Σ wₖ·Lₖ</c>, without a gradient.</summary>
    /// <param name="input">The input: predictions, logits or probabilities, as the terms read them.</param>
    /// <param name="target">The targets, as many as <paramref name="input"/>.</param>
    /// <param name="termValues">Empty, or <see cref="Count"/> elements that receive each term's value <c>Lₖ</c> (unweighted).</param>
    /// <returns>The weighted total.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or <paramref name="termValues"/> overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An input is outside a term's domain (probabilities outside [0, 1], hinge targets other than ±1, focal targets outside [0, 1]).</exception>
    public T Value(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> termValues = default)
    {
        CheckInputs(input, target, termValues);
        return Finish(input, target, default, default, ObjectiveDriver.Outputs.None, Weights(stackalloc double[Segments.MaxWidth]), default, termValues);
    }

    /// <summary>The objective's value <c>Σ wₖ·Lₖ</c>; writes its gradient <c>Σ wₖ·∇Lₖ</c> in the same pass.</summary>
    /// <param name="input">The input: predictions, logits or probabilities, as the terms read them.</param>
    /// <param name="target">The targets, as many as <paramref name="input"/>.</param>
    /// <param name="gradient">Receives the gradient: as long as <paramref name="input"/>; separate from the inputs, or <paramref name="input"/> itself (in place).</param>
    /// <param name="termValues">Empty, or <see cref="Count"/> elements that receive each term's value <c>Lₖ</c> (unweighted).</param>
    /// <returns>The weighted total.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input (other than the gradient being the input).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An input is outside a term's domain.</exception>
    public T Evaluate(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient, Span<T> termValues = default)
    {
        CheckInputs(input, target, termValues);
        Guard.Output(gradient, input, target, default);
        CheckSeparate(termValues, gradient, nameof(termValues), nameof(gradient));
        return Finish(input, target, gradient, default, ObjectiveDriver.Outputs.Combined, Weights(stackalloc double[Segments.MaxWidth]), default, termValues);
    }

    /// <summary>
    /// The objective's value; writes each term's weighted gradient <c>wₖ·∇Lₖ</c> into its own row of
    /// <paramref name="termGradients"/> (what gradient surgery such as PCGrad or GradNorm works on) and, if
    /// <paramref name="gradient"/> is not empty, their sum, all in one pass over the input.
    /// </summary>
    /// <param name="input">The input: predictions, logits or probabilities, as the terms read them.</param>
    /// <param name="target">The targets, as many as <paramref name="input"/>.</param>
    /// <param name="termGradients"><see cref="Count"/> × n elements, row-major: row k (elements k·n to k·n + n − 1) receives <c>wₖ·∇Lₖ</c>. Separate from every other span.</param>
    /// <param name="gradient">Empty, or as long as <paramref name="input"/>: receives the sum of the rows in term order (the gradient of <see cref="Evaluate"/>, bit for bit). It may be <paramref name="input"/> itself.</param>
    /// <param name="termValues">Empty, or <see cref="Count"/> elements that receive each term's value <c>Lₖ</c> (unweighted).</param>
    /// <returns>The weighted total.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input or another output.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An input is outside a term's domain.</exception>
    public T EvaluatePerTerm(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> termGradients, Span<T> gradient = default, Span<T> termValues = default)
    {
        CheckInputs(input, target, termValues);
        long expected = (long)Count * input.Length;
        if (termGradients.Length != expected)
        {
            throw new ArgumentException($"termGradients must have {Count} rows of {input.Length} ({expected} elements), not {termGradients.Length}.", nameof(termGradients));
        }
        if (!gradient.IsEmpty)
        {
            Guard.Output(gradient, input, target, default);
        }
        CheckSeparate(termGradients, input, nameof(termGradients), nameof(input));
        CheckSeparate(termGradients, target, nameof(termGradients), nameof(target));
        CheckSeparate(termGradients, gradient, nameof(termGradients), nameof(gradient));
        CheckSeparate(termGradients, termValues, nameof(termGradients), nameof(termValues));
        CheckSeparate(termValues, gradient, nameof(termValues), nameof(gradient));
        return Finish(input, target, gradient, termGradients, ObjectiveDriver.Outputs.PerTerm, Weights(stackalloc double[Segments.MaxWidth]), default, termValues);
    }

    /// <summary>
    /// Learned uncertainty weighting (Kendall, Gal and Cipolla 2018, in LibMTL's form): the value
    /// <c>Σ (wₖ·Lₖ/(2·e^sₖ) + sₖ/2)</c> over learned log-variances <c>sₖ = log σₖ²</c>; writes its gradient with respect
    /// to the input, <c>Σ wₖ·∇Lₖ/(2·e^sₖ)</c>, and with respect to each <c>sₖ</c>, <c>½ − wₖ·Lₖ/(2·e^sₖ)</c>, in the same pass.
    /// </summary>
    /// <param name="input">The input: predictions, logits or probabilities, as the terms read them.</param>
    /// <param name="target">The targets, as many as <paramref name="input"/>.</param>
    /// <param name="logVariances">The <see cref="Count"/> learned <c>sₖ</c>, one per term (the terms' weights still multiply their losses; use 1 for the plain method).</param>
    /// <param name="gradient">Receives the gradient with respect to the input: as long as <paramref name="input"/>; separate, or <paramref name="input"/> itself.</param>
    /// <param name="logVarianceGradient"><see cref="Count"/> elements: receives the gradient with respect to each <c>sₖ</c>.</param>
    /// <param name="termValues">Empty, or <see cref="Count"/> elements that receive each term's value <c>Lₖ</c> (unweighted).</param>
    /// <returns>The weighted total.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or an output overlaps an input or another output.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An input is outside a term's domain.</exception>
    public T EvaluateUncertainty(ReadOnlySpan<T> input, ReadOnlySpan<T> target, ReadOnlySpan<T> logVariances, Span<T> gradient, Span<T> logVarianceGradient, Span<T> termValues = default)
    {
        CheckInputs(input, target, termValues);
        Guard.Output(gradient, input, target, default);
        CheckCount(logVariances.Length, nameof(logVariances));
        CheckCount(logVarianceGradient.Length, nameof(logVarianceGradient));
        CheckSeparate(logVarianceGradient, logVariances, nameof(logVarianceGradient), nameof(logVariances));
        CheckSeparate(logVarianceGradient, input, nameof(logVarianceGradient), nameof(input));
        CheckSeparate(logVarianceGradient, target, nameof(logVarianceGradient), nameof(target));
        CheckSeparate(logVarianceGradient, gradient, nameof(logVarianceGradient), nameof(gradient));
        CheckSeparate(logVarianceGradient, termValues, nameof(logVarianceGradient), nameof(termValues));
        CheckSeparate(termValues, gradient, nameof(termValues), nameof(gradient));
        CheckSeparate(termValues, logVariances, nameof(termValues), nameof(logVariances));
        CheckSeparate(gradient, logVariances, nameof(gradient), nameof(logVariances));
        Span<double> weights = stackalloc double[Segments.MaxWidth];
        for (int k = 0; k < Count; k++)
        {
            weights[k] = double.CreateTruncating(_terms[k].Weight) / (2 * Math.Exp(double.CreateTruncating(logVariances[k])));
        }
        return Finish(input, target, gradient, default, ObjectiveDriver.Outputs.Combined, weights.Slice(0, Count), logVariances, termValues, logVarianceGradient);
    }

    /// <summary>The terms' weights in double.</summary>
    private Span<double> Weights(Span<double> weights)
    {
        for (int k = 0; k < Count; k++)
        {
            weights[k] = double.CreateTruncating(_terms[k].Weight);
        }
        return weights.Slice(0, Count);
    }

    /// <summary>
    /// Runs the pass with the effective weights <paramref name="weights"/> and returns <c>Σ weightₖ·Lₖ</c> (plus
    /// <c>Σ sₖ/2</c> and the gradients of the <c>sₖ</c> for uncertainty weighting).
    /// </summary>
    private T Finish(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient, Span<T> termGradients, ObjectiveDriver.Outputs outputs,
        ReadOnlySpan<double> weights, ReadOnlySpan<T> logVariances, Span<T> termValues, Span<T> logVarianceGradient = default)
    {
        int n = input.Length;
        Span<double> values = stackalloc double[Segments.MaxWidth];
        values = values.Slice(0, Count);
        if (n == 0)
        {
            values.Fill(Reduction == Reduction.Sum ? 0 : double.NaN);
        }
        else
        {
            double divisor = ((Normalization)Reduction).ValueDivisor(n);
            Span<T> scales = stackalloc T[Segments.MaxWidth];
            for (int k = 0; k < Count; k++)
            {
                scales[k] = T.CreateTruncating(Reduction == Reduction.Mean ? weights[k] / n : weights[k]);
            }
            ObjectiveDriver.Run(_terms, _pairs, input, target, gradient, termGradients, outputs, scales.Slice(0, Count), divisor, values);
        }
        double total = 0;
        for (int k = 0; k < Count; k++)
        {
            // Each term's value as the single loss returns it: rounded to T.
            double value = double.CreateTruncating(T.CreateTruncating(values[k]));
            if (!termValues.IsEmpty)
            {
                termValues[k] = T.CreateTruncating(value);
            }
            total += weights[k] * value;
            if (!logVariances.IsEmpty)
            {
                double s = double.CreateTruncating(logVariances[k]);
                total += s / 2;
                logVarianceGradient[k] = T.CreateTruncating(0.5 - weights[k] * value);
            }
        }
        return T.CreateTruncating(total);
    }

    private void CheckInputs(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> termValues)
    {
        Guard.SameLength(input, target);
        if (!termValues.IsEmpty)
        {
            CheckCount(termValues.Length, nameof(termValues));
            CheckSeparate(termValues, input, nameof(termValues), nameof(input));
            CheckSeparate(termValues, target, nameof(termValues), nameof(target));
        }
        foreach (ObjectiveTerm<T> term in _terms)
        {
            term.Check(input, target);
        }
    }

    private void CheckCount(int length, string name)
    {
        if (length != Count)
        {
            throw new ArgumentException($"{name} must have one element per term ({Count}), not {length}.", name);
        }
    }

    private static void CheckSeparate(ReadOnlySpan<T> output, ReadOnlySpan<T> other, string outputName, string otherName)
    {
        if (output.Overlaps(other))
        {
            throw new ArgumentException($"{outputName} overlaps {otherName}; it must be separate.", outputName);
        }
    }
}
