using System;
using System.Linq;
using System.Numerics;
using Xunit;

namespace FastLoss.Tests;

/// <summary><see cref="Objective{T}"/>: every term against its single loss, combinations against the losses combined by hand, on every path.</summary>
[Collection(nameof(KernelPathCollection))]
public class ObjectiveTests
{
    // Lengths: empty, inside one block, whole blocks, a partial tile, several tiles, two segments (on two threads where a term has an exp).
    private static readonly int[] Lengths = [0, 1, 63, 64, 1000, 1024, 5000, 70_001];

    public static TheoryData<string> Terms => [.. PointwiseLoss.All.Where(l => l.Term<float>(1f) is not null).Select(l => l.Name)];

    private static PointwiseLoss Find(string name) => PointwiseLoss.All.Single(l => l.Name == name);

    [Theory]
    [MemberData(nameof(Terms))]
    public void OneTermOfWeightOneIsTheSingleLossBitForBit(string name)
    {
        PointwiseLoss loss = Find(name);
        EveryPath.Run(path =>
        {
            OneTerm<float>(loss, path);
            OneTerm<double>(loss, path);
        });
    }

    private static void OneTerm<T>(PointwiseLoss loss, KernelPath path) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        foreach (Reduction reduction in new[] { Reduction.Mean, Reduction.Sum })
        {
            Objective<T> objective = new(reduction, loss.Term(T.One)!);
            foreach (int n in Lengths)
            {
                (T[] x, T[] y) = PointwiseTests<T>.Inputs(loss, n, seed: n);
                T[] expected = new T[n], actual = new T[n];
                T[] values = new T[1];
                T single = loss.Fused<T>(x, y, expected, reduction);
                T total = objective.Evaluate(x, y, actual, values);
                string where = $"{loss.Name} {typeof(T).Name} {reduction} n={n} on {path}";
                Assert.True(Same(single, total), $"{where}: value {total}, single loss {single}");
                Assert.True(Same(single, values[0]), $"{where}: term value {values[0]}");
                Assert.True(Same(loss.Value<T>(x, y, reduction), objective.Value(x, y)), $"{where}: value-only form");
                for (int i = 0; i < n; i++)
                {
                    Assert.True(Same(expected[i], actual[i]), $"{where}: gradient[{i}] {actual[i]}, single loss {expected[i]}");
                }
            }
        }
    }

    /// <summary>
    /// Adjacent losses of logits run as one pair (their logistic pieces once): with weights 1 and Mean, each term's
    /// value is the single loss's and the gradient is ((g₀ + g₁) + g₂) of the single losses' gradients, bit for bit,
    /// with the pair first, after another term, or twice; each per-term row is the single loss's gradient.
    /// </summary>
    [Theory]
    [InlineData("BinaryCrossEntropyWithLogits", "SigmoidFocal")]
    [InlineData("SigmoidFocal(gamma=1.5)", "BinaryCrossEntropyWithLogits(pw=2.5)")]
    [InlineData("MeanSquaredError", "BinaryCrossEntropyWithLogits", "SigmoidFocal(alpha off, gamma=0.5)")]
    [InlineData("SigmoidFocal", "SigmoidFocal(gamma=1.5)", "BinaryCrossEntropyWithLogits", "BinaryCrossEntropyWithLogits(pw=2.5)", "Huber")]
    public void PairedLogitTermsHaveTheSingleLossesBits(params string[] names)
    {
        PointwiseLoss[] losses = [.. names.Select(Find)];
        EveryPath.Run(path =>
        {
            Paired<float>(losses, path);
            Paired<double>(losses, path);
        });
    }

    private static void Paired<T>(PointwiseLoss[] losses, KernelPath path) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Objective<T> objective = new([.. losses.Select(l => l.Term(T.One)!)]);
        int k0 = losses.Length;
        foreach (int n in new[] { 1, 63, 64, 1000, 5000, 70_001 })
        {
            // Inputs every term accepts: logits in [−4, 4), targets in [0, 1] (the focal loss's domain).
            (T[] x, T[] y) = PointwiseTests<T>.Inputs(Find("SigmoidFocal"), n, seed: n + 1);
            T[][] singles = [.. losses.Select(_ => new T[n])];
            T[] values = new T[k0], expectedValues = new T[k0];
            for (int k = 0; k < k0; k++)
            {
                expectedValues[k] = losses[k].Fused<T>(x, y, singles[k], Reduction.Mean);
            }
            T[] gradient = new T[n], rows = new T[k0 * n], sum = new T[n];
            objective.Evaluate(x, y, gradient, values);
            string where = $"{string.Join(" + ", losses.Select(l => l.Name))} {typeof(T).Name} n={n} on {path}";
            for (int k = 0; k < k0; k++)
            {
                Assert.True(Same(expectedValues[k], values[k]), $"{where}: term {k} value {values[k]}, single loss {expectedValues[k]}");
            }
            for (int i = 0; i < n; i++)
            {
                T expected = singles[0][i];
                for (int k = 1; k < k0; k++)
                {
                    expected += singles[k][i];
                }
                Assert.True(Same(expected, gradient[i]), $"{where}: gradient[{i}] {gradient[i]}, single losses added {expected}");
            }
            objective.EvaluatePerTerm(x, y, rows, sum, values);
            for (int k = 0; k < k0; k++)
            {
                Check.SameBits<T>(singles[k], rows.AsSpan(k * n, n), $"{where}: row {k}");
            }
            Check.SameBits<T>(gradient, sum, $"{where}: sum of the rows");
        }
    }

    [Theory]
    [InlineData("MeanSquaredError", "MeanAbsoluteError", "Huber")]
    [InlineData("LogCosh", "Quantile", "SmoothL1")]
    [InlineData("BinaryCrossEntropyWithLogits", "SigmoidFocal", "BinaryCrossEntropyWithLogits(pw=2.5)")]
    [InlineData("Hinge", "SquaredHinge", "Hinge")]
    [InlineData("BinaryCrossEntropy", "MeanSquaredError", "LogCosh")]
    [InlineData("PoissonNegativeLogLikelihood", "MeanSquaredError", "SmoothL1(beta=0)")]
    public void SeveralTermsAreTheSingleLossesCombinedByHand(string first, string second, string third)
    {
        PointwiseLoss[] losses = [Find(first), Find(second), Find(third)];
        EveryPath.Run(path =>
        {
            Combined<float>(losses, path, 2e-6);
            Combined<double>(losses, path, 1e-14);
        });
    }

    private static void Combined<T>(PointwiseLoss[] losses, KernelPath path, double tolerance) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double[] weights = [0.7, 0.3, -0.25];
        Objective<T> objective = new(losses.Select((l, k) => l.Term(T.CreateTruncating(weights[k]))!).ToArray());
        foreach (int n in Lengths.Where(n => n > 0))
        {
            // The first loss's domain holds for the others (the rows above pair losses that share one).
            (T[] x, T[] y) = PointwiseTests<T>.Inputs(losses[0], n, seed: 7 * n);
            T[] gradient = new T[n];
            T[] values = new T[3];
            T total = objective.Evaluate(x, y, gradient, values);
            double expectedTotal = 0;
            double[] expectedGradient = new double[n];
            double[] scale = new double[n];
            for (int k = 0; k < 3; k++)
            {
                T[] g = new T[n];
                T value = losses[k].Fused<T>(x, y, g, Reduction.Mean);
                Assert.True(Same(value, values[k]), $"{losses[k].Name} {typeof(T).Name} n={n} on {path}: term value {values[k]}, single loss {value}");
                expectedTotal += weights[k] * double.CreateTruncating(value);
                for (int i = 0; i < n; i++)
                {
                    double gi = weights[k] * double.CreateTruncating(g[i]);
                    expectedGradient[i] += gi;
                    scale[i] += Math.Abs(gi);
                }
            }
            string where = $"{string.Join("+", losses.Select(l => l.Name))} {typeof(T).Name} n={n} on {path}";
            Assert.True(Math.Abs(double.CreateTruncating(total) - expectedTotal) <= tolerance * Math.Abs(expectedTotal) + 1e-300, $"{where}: total {total}, by hand {expectedTotal}");
            for (int i = 0; i < n; i++)
            {
                double error = Math.Abs(double.CreateTruncating(gradient[i]) - expectedGradient[i]);
                Assert.True(error <= 4 * tolerance * scale[i], $"{where}: gradient[{i}] {gradient[i]}, by hand {expectedGradient[i]}");
            }
        }
    }

    [Fact]
    public void EveryPathAndEveryThreadCountGiveTheSameBits()
    {
        Objective<float> objective = new(ObjectiveTerm.BinaryCrossEntropyWithLogits(0.5f), ObjectiveTerm.SigmoidFocal(0.5f, gamma: 1.5), ObjectiveTerm.MeanSquaredError(0.1f));
        (float[] x, float[] y) = PointwiseTests<float>.Inputs(Find("SigmoidFocal"), 200_003, seed: 3);
        float[]? reference = null;
        float referenceTotal = 0;
        int saved = Parallelism.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Parallelism.MaxThreads = threads;
                EveryPath.Run(path =>
                {
                    float[] gradient = new float[x.Length];
                    float total = objective.Evaluate(x, y, gradient);
                    if (reference is null)
                    {
                        (reference, referenceTotal) = (gradient, total);
                        return;
                    }
                    Assert.True(Same(referenceTotal, total), $"{threads} threads on {path}: {total} vs {referenceTotal}");
                    Assert.True(reference.AsSpan().SequenceEqual(gradient), $"{threads} threads on {path}: gradient differs");
                });
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void InPlaceGradientEqualsSeparateOne()
    {
        Objective<double> objective = new(ObjectiveTerm.MeanSquaredError(0.7), ObjectiveTerm.Huber(0.3, 0.5), ObjectiveTerm.LogCosh(0.2));
        foreach (int n in new[] { 5, 1000, 70_001 })
        {
            (double[] x, double[] y) = PointwiseTests<double>.Inputs(Find("Huber"), n, seed: n);
            double[] separate = new double[n];
            double total = objective.Evaluate(x, y, separate);
            double inPlace = objective.Evaluate(x, y, x);
            Assert.Equal(total, inPlace);
            Assert.Equal(separate, x);
        }
    }

    [Fact]
    public void PerTermGradientsAreTheWeightedSingleGradientsAndSumToTheGradient()
    {
        EveryPath.Run(path =>
        {
            Objective<float> objective = new(ObjectiveTerm.BinaryCrossEntropyWithLogits(0.5f), ObjectiveTerm.SigmoidFocal(2f), ObjectiveTerm.Hinge(1f));
            foreach (int n in new[] { 1, 100, 4097, 70_001 })
            {
                (float[] x, float[] y) = PointwiseTests<float>.Inputs(Find("SigmoidFocal"), n, seed: n);
                // Targets of 1: in the domain of all three (hinge ±1, the others [0, 1]).
                Array.Fill(y, 1f);
                float[] rows = new float[3 * n];
                float[] sum = new float[n], combined = new float[n], values = new float[3];
                float total = objective.EvaluatePerTerm(x, y, rows, sum, values);
                Assert.Equal(objective.Evaluate(x, y, combined), total);
                Assert.True(combined.AsSpan().SequenceEqual(sum), $"n={n} on {path}: the sum of the rows is not the gradient");
                float[][] singles = [new float[n], new float[n], new float[n]];
                Loss.BinaryCrossEntropyWithLogits<float>(x, y, singles[0]);
                Loss.SigmoidFocal<float>(x, y, singles[1]);
                Loss.Hinge<float>(x, y, singles[2]);
                float[] weights = [0.5f, 2f, 1f];
                for (int k = 0; k < 3; k++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        float expected = weights[k] * singles[k][i];
                        Assert.True(Math.Abs(rows[k * n + i] - expected) <= 2e-7f * Math.Abs(expected), $"n={n} on {path}: row {k}[{i}] {rows[k * n + i]}, expected {expected}");
                    }
                }
                // Without the summed gradient.
                float[] rowsOnly = new float[3 * n];
                Assert.Equal(total, objective.EvaluatePerTerm(x, y, rowsOnly));
                Assert.Equal(rows, rowsOnly);
            }
        });
    }

    [Fact]
    public void UncertaintyWeightingMatchesItsFormulaAndFiniteDifferences()
    {
        Objective<double> objective = new(ObjectiveTerm.MeanSquaredError(1.0), ObjectiveTerm.MeanAbsoluteError(1.0), ObjectiveTerm.Huber(2.0, 1.0));
        (double[] x, double[] y) = PointwiseTests<double>.Inputs(Find("MeanSquaredError"), 3001, seed: 11);
        double[] s = [0.3, -1.2, 2.0];
        double[] gradient = new double[x.Length], ds = new double[3], values = new double[3];
        double total = objective.EvaluateUncertainty(x, y, s, gradient, ds, values);
        double[] l = [Loss.MeanSquaredError<double>(x, y), Loss.MeanAbsoluteError<double>(x, y), Loss.Huber<double>(x, y, 1.0)];
        double[] w = [1, 1, 2];
        double expected = 0;
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(l[k], values[k]);
            expected += w[k] * l[k] / (2 * Math.Exp(s[k])) + s[k] / 2;
            Assert.Equal(0.5 - w[k] * l[k] / (2 * Math.Exp(s[k])), ds[k], 14);
        }
        Assert.Equal(expected, total, 1e-13);
        // The gradient with respect to the input: Σ wₖ∇Lₖ/(2e^sₖ), against the weighted objective it is.
        Objective<double> weighted = new(ObjectiveTerm.MeanSquaredError(1 / (2 * Math.Exp(s[0]))), ObjectiveTerm.MeanAbsoluteError(1 / (2 * Math.Exp(s[1]))), ObjectiveTerm.Huber(2 / (2 * Math.Exp(s[2])), 1.0));
        double[] expectedGradient = new double[x.Length];
        weighted.Evaluate(x, y, expectedGradient);
        Assert.Equal(expectedGradient, gradient);
        // Finite differences in s.
        double[] unused = new double[x.Length], unusedDs = new double[3];
        for (int k = 0; k < 3; k++)
        {
            double h = 1e-6;
            double[] up = (double[])s.Clone(), down = (double[])s.Clone();
            up[k] += h;
            down[k] -= h;
            double numeric = (objective.EvaluateUncertainty(x, y, up, unused, unusedDs) - objective.EvaluateUncertainty(x, y, down, unused, unusedDs)) / (2 * h);
            Assert.Equal(numeric, ds[k], 1e-7);
        }
    }

    [Fact]
    public void EmptyInputGivesNaNForMeanAndZeroForSum()
    {
        Objective<float> mean = new(ObjectiveTerm.MeanSquaredError(1f), ObjectiveTerm.LogCosh(2f));
        Objective<float> sum = new(Reduction.Sum, ObjectiveTerm.MeanSquaredError(1f), ObjectiveTerm.LogCosh(2f));
        float[] values = new float[2];
        Assert.True(float.IsNaN(mean.Evaluate([], [], [], values)));
        Assert.True(values.All(float.IsNaN));
        Assert.Equal(0f, sum.Evaluate([], [], [], values));
        Assert.Equal([0f, 0f], values);
    }

    [Fact]
    public void NoCallAllocates()
    {
        EveryPath.Run(path =>
        {
            Objective<float> objective = new(ObjectiveTerm.MeanSquaredError(0.7f), ObjectiveTerm.SigmoidFocal(0.3f));
            (float[] x, float[] y) = PointwiseTests<float>.Inputs(Find("SigmoidFocal"), 5000, seed: 1);
            float[] g = new float[x.Length], rows = new float[2 * x.Length], values = new float[2], s = [0.1f, 0.2f], ds = new float[2];
            void Run()
            {
                objective.Value(x, y, values);
                objective.Evaluate(x, y, g, values);
                objective.EvaluatePerTerm(x, y, rows, g, values);
                objective.EvaluateUncertainty(x, y, s, g, ds, values);
            }
            Run();
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run();
            Assert.True(GC.GetAllocatedBytesForCurrentThread() == before, $"an objective allocated on {path}");
        });
    }

    [Fact]
    public void BadArgumentsThrowNamingTheParameterBeforeAnyWrite()
    {
        Objective<float> objective = new(ObjectiveTerm.MeanSquaredError(1f), ObjectiveTerm.BinaryCrossEntropy(1f));
        float[] x = [0.2f, 0.5f, 0.9f], y = [0f, 1f, 1f];
        float[] g = [7f, 7f, 7f], values = [7f, 7f];
        void Untouched()
        {
            Assert.Equal([7f, 7f, 7f], g);
            Assert.Equal([7f, 7f], values);
        }
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => objective.Evaluate(x, [0f, 1f], g, values)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => objective.Evaluate(x, y, g.AsSpan(0, 2), values)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => objective.Evaluate(x, y, y, values)).ParamName);
        Assert.Equal("termValues", Assert.Throws<ArgumentException>(() => objective.Evaluate(x, y, g, new float[3])).ParamName);
        Assert.Equal("termValues", Assert.Throws<ArgumentException>(() => objective.Evaluate(x, y, g, g.AsSpan(0, 2))).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentOutOfRangeException>(() => objective.Evaluate([0.2f, 1.5f, 0.9f], y, g, values)).ParamName);
        Assert.Equal("termGradients", Assert.Throws<ArgumentException>(() => objective.EvaluatePerTerm(x, y, new float[5], g, values)).ParamName);
        Assert.Equal("logVariances", Assert.Throws<ArgumentException>(() => objective.EvaluateUncertainty(x, y, [0f], g, new float[2], values)).ParamName);
        Assert.Equal("logVarianceGradient", Assert.Throws<ArgumentException>(() => objective.EvaluateUncertainty(x, y, [0f, 0f], g, new float[3], values)).ParamName);
        Untouched();
        Objective<float> hinge = new(ObjectiveTerm.Hinge(1f));
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => hinge.Evaluate(x, y, g)).ParamName);
        Objective<float> focal = new(ObjectiveTerm.SigmoidFocal(1f));
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => focal.Evaluate(x, [0f, 2f, 1f], g)).ParamName);
        Untouched();
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => ObjectiveTerm.Huber(1f, 0f)).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => ObjectiveTerm.SmoothL1(1f, -1f)).ParamName);
        Assert.Equal("quantile", Assert.Throws<ArgumentOutOfRangeException>(() => ObjectiveTerm.Quantile(1f, 1f)).ParamName);
        Assert.Equal("positiveWeight", Assert.Throws<ArgumentOutOfRangeException>(() => ObjectiveTerm.BinaryCrossEntropyWithLogits(1f, -1f)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => ObjectiveTerm.SigmoidFocal(1f, gamma: -1)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => ObjectiveTerm.SigmoidFocal(1f, alpha: 2)).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentOutOfRangeException>(() => ObjectiveTerm.MeanSquaredError(float.NaN)).ParamName);
        Assert.Equal("terms", Assert.Throws<ArgumentException>(() => new Objective<float>()).ParamName);
        Assert.Equal("terms", Assert.Throws<ArgumentException>(() => new Objective<float>(Enumerable.Range(0, 9).Select(_ => ObjectiveTerm.MeanSquaredError(1f)).ToArray())).ParamName);
        Assert.Equal("terms", Assert.Throws<ArgumentNullException>(() => new Objective<float>(ObjectiveTerm.MeanSquaredError(1f), null!)).ParamName);
        Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => new Objective<float>((Reduction)5, ObjectiveTerm.MeanSquaredError(1f))).ParamName);
    }

    private static bool Same<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T> => a.Equals(b) || (T.IsNaN(a) && T.IsNaN(b));
}
