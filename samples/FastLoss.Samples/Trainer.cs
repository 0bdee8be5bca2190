using System;
using System.Globalization;
using System.IO;
using System.Numerics;

namespace FastLoss.Samples;

/// <summary>
/// A mean softmax cross-entropy over rows of logits with labels (and label smoothing ε), writing its gradient: by
/// default FastLoss's fused <see cref="FastLoss.Loss"/>.CrossEntropy; the training-step benchmark passes others.
/// </summary>
public delegate T CrossEntropyLoss<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<T> gradient, double labelSmoothing);

/// <summary>
/// A trainer: <see cref="Step"/> computes the loss of the current parameters and its gradient, then updates them
/// (allocating nothing once warm); <see cref="Run"/> prints the run in the samples' format.
/// </summary>
public abstract class Trainer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The number of steps of a full run.</summary>
    public abstract int Steps { get; }

    /// <summary>Step <paramref name="step"/>: returns the mean loss of the parameters before it, and updates them.</summary>
    public abstract T Step(int step);

    /// <summary>The mean loss of the current parameters over the training data.</summary>
    public abstract T Loss();

    /// <summary>The name and value of the figure printed after the final loss: <c>accuracy</c>, the training accuracy (a fraction), or a regression's R² in its place.</summary>
    public abstract (string Name, double Value) Score();

    /// <summary>What else the trainer reports after its score (held-out figures).</summary>
    public virtual void Report(TextWriter output)
    {
    }

    /// <summary>
    /// Runs <paramref name="steps"/> steps (all by default) and prints <c>step i loss v</c> before each update,
    /// then <c>final loss v</c>, the score and the report (only where <paramref name="print"/>: rank 0 of a
    /// data-parallel run). Values in round-trip form.
    /// </summary>
    public void Run(TextWriter output, int? steps = null, bool print = true)
    {
        int count = steps ?? Steps;
        for (int i = 0; i < count; i++)
        {
            T loss = Step(i);
            if (print)
            {
                output.WriteLine($"step {i} loss {Format(loss)}");
            }
        }
        T final = Loss();
        (string name, double score) = Score();
        if (print)
        {
            output.WriteLine($"final loss {Format(final)}");
            output.WriteLine($"{name} {score.ToString(CultureInfo.InvariantCulture)}");
            Report(output);
        }
    }

    /// <summary>Round-trip formatting (the shortest text that parses back to the same value).</summary>
    public static string Format(T value) => value.ToString(null, CultureInfo.InvariantCulture);
}
