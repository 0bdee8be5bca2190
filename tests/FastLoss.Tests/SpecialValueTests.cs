using System;
using System.Linq;
using Xunit;

namespace FastLoss.Tests;

/// <summary>NaN and infinities propagate; the stable losses stay finite for any finite input.</summary>
public class SpecialValueTests
{
    [Theory]
    [MemberData(nameof(FiniteDifferenceTests.AllLosses), MemberType = typeof(FiniteDifferenceTests))]
    public void NaNInputPropagatesToTheValueAndItsGradient(string name)
    {
        PointwiseLoss loss = PointwiseLoss.All.Single(l => l.Name == name);
        foreach (int n in new[] { 1, 5, 40, 1000 })
        {
            (float[] x, float[] y) = PointwiseTests<float>.Inputs(loss, n, seed: n);
            int at = n / 2;
            x[at] = float.NaN;
            float[] g = new float[n];
            Assert.True(float.IsNaN(loss.Fused<float>(x, y, g, Reduction.Sum)), $"{name} n={n}: value");
            Assert.True(float.IsNaN(g[at]) || !loss.GradientDependsOnInput, $"{name} n={n}: gradient at the NaN");
            float[] d = new float[n];
            loss.PerElement<float>(x, y, d);
            Assert.True(float.IsNaN(d[at]), $"{name} n={n}: per-element at the NaN");
        }
    }

    [Fact]
    public void InfinitiesPropagate()
    {
        float[] p = [1f, float.PositiveInfinity, 2f], t = [0f, 0f, 1f], g = new float[3];
        Assert.Equal(float.PositiveInfinity, Loss.MeanSquaredError<float>(p, t, g));
        Assert.Equal(float.PositiveInfinity, g[1]);
        Assert.Equal(float.PositiveInfinity, Loss.MeanAbsoluteError<float>(p, t));
        Assert.Equal(float.PositiveInfinity, Loss.LogCosh<float>(p, t, g));
        Assert.Equal(1f / 3f, g[1], 6);
        Assert.Equal(float.PositiveInfinity, Loss.Huber<float>([float.NegativeInfinity], [0f], 1f));
        Assert.Equal(float.PositiveInfinity, Loss.PoissonNegativeLogLikelihood<float>([100f], [0f]));
    }

    [Fact]
    public void StableLossesStayFiniteForExtremeFiniteInputs()
    {
        float[] huge = [1e4f, -1e4f, 3e4f, -3e4f, 1e30f, -1e30f, float.MaxValue, -float.MaxValue, 0f, 1e-30f, -1e-45f];
        float[] zeros = new float[huge.Length], ones = Enumerable.Repeat(1f, huge.Length).ToArray(), g = new float[huge.Length];
        foreach (float[] t in new[] { zeros, ones })
        {
            AssertFinite(Loss.BinaryCrossEntropyWithLogits<float>(huge, t, g, Reduction.Sum), g, "BCE with logits");
            // With pw = 3 the loss of x = −MaxValue is 3·MaxValue, beyond float itself: keep the true values in range.
            AssertFinite(Loss.BinaryCrossEntropyWithLogits<float>(huge.Select(v => v / 4).ToArray(), t, g, Reduction.Sum, positiveWeight: 3f), g, "BCE with logits, pos weight");
            AssertFinite(Loss.SigmoidFocal<float>(huge, t, g, Reduction.Sum), g, "focal");
            AssertFinite(Loss.SigmoidFocal<float>(huge, t, g, Reduction.Sum, alpha: -1, gamma: 0.5), g, "focal γ=0.5");
        }
        AssertFinite(Loss.LogCosh<float>(huge.Select(v => v / 4).ToArray(), zeros, g, Reduction.Sum), g, "log-cosh");
        // log cosh(1e30) = 1e30 − log 2 exactly in float: no overflow to ∞.
        Assert.Equal(1e30f, Loss.LogCosh<float>([1e30f], [0f]));
        Assert.Equal(1f, Loss.BinaryCrossEntropyWithLogits<float>([-3e4f], [1f]) / 3e4f, 6);
        Assert.Equal(0f, Loss.BinaryCrossEntropyWithLogits<float>([3e4f], [1f]));
    }

    [Fact]
    public void CrossEntropyIsStableForHugeEqualAndManyLogits()
    {
        foreach (int classes in new[] { 1, 2, 10, 16, 17, 1000, 5000 })
        {
            const int rows = 20;
            float[] logits = new float[rows * classes];
            Random rng = new(classes);
            for (int i = 0; i < logits.Length; i++)
            {
                logits[i] = (i / classes) switch
                {
                    0 => 3e4f,                                 // all equal and huge
                    1 => -3e4f,
                    2 => rng.Next(2) == 0 ? 3e4f : -3e4f,      // ±3e4 mixed
                    3 => rng.Next(2) == 0 ? 1e4f : -1e4f,
                    _ => (float)(rng.NextDouble() * 200 - 100),
                };
            }
            int[] labels = Enumerable.Range(0, rows).Select(r => r % classes).ToArray();
            float[] g = new float[logits.Length];
            float ce = Loss.CrossEntropy<float>(logits, labels, classes, g, labelSmoothing: 0.1);
            AssertFinite(ce, g, $"cross-entropy, {classes} classes");
            float[] perRow = new float[rows];
            Loss.CrossEntropyPerRow<float>(logits, labels, classes, perRow);
            // All-equal rows: the loss is log(classes) exactly as the math says.
            Assert.Equal(MathF.Log(classes), perRow[0], 5);
            Assert.Equal(MathF.Log(classes), perRow[1], 5);
            float[] soft = Enumerable.Repeat(1f / classes, logits.Length).ToArray();
            AssertFinite(Loss.CrossEntropy<float>(logits, soft, classes, g), g, $"soft cross-entropy, {classes} classes");
        }
    }

    [Fact]
    public void BinaryCrossEntropyOfCertainProbabilitiesIsClampedLikePyTorch()
    {
        float[] g = new float[2];
        Assert.Equal(100f, Loss.BinaryCrossEntropy<float>([0f, 1f], [1f, 0f], g, Reduction.Mean));
        Assert.True(float.IsFinite(g[0]) && float.IsFinite(g[1]));
        Assert.Equal(0f, Loss.BinaryCrossEntropy<float>([0f, 1f], [0f, 1f]));
    }

    [Fact]
    public void NaNLogitPropagatesThroughItsRowOnly()
    {
        float[] logits = [1f, 2f, float.NaN, 1f, 2f, 3f];
        float[] g = new float[6], perRow = new float[2];
        Assert.True(float.IsNaN(Loss.CrossEntropy<float>(logits, [0, 1], 3, g)));
        Loss.CrossEntropyPerRow<float>(logits, [0, 1], 3, perRow);
        Assert.True(float.IsNaN(perRow[0]));
        Assert.True(float.IsFinite(perRow[1]));
    }

    [Fact]
    public void AllIgnoredBatchGivesNaNMeanAndZeroGradient()
    {
        float[] logits = [1f, 2f, 3f, 4f], g = [9f, 9f, 9f, 9f];
        Assert.True(float.IsNaN(Loss.CrossEntropy<float>(logits, [-100, -100], 2, g)));
        Assert.All(g, v => Assert.Equal(0f, v));
        Assert.Equal(0f, Loss.CrossEntropy<float>(logits, [-100, -100], 2, Reduction.Sum));
        Assert.True(float.IsNaN(Loss.NegativeLogLikelihood<float>(logits, [7, 7], 2, ignoreIndex: 7)));
    }

    [Fact]
    public void EmptyInputGivesZeroSumAndNaNMeanAndWritesNothing()
    {
        Assert.Equal(0f, Loss.MeanSquaredError<float>([], [], Reduction.Sum));
        Assert.True(float.IsNaN(Loss.MeanSquaredError<float>([], [])));
        Assert.True(double.IsNaN(Loss.RootMeanSquaredError<double>([], [], [])));
        Assert.True(float.IsNaN(Loss.CrossEntropy<float>([], ReadOnlySpan<int>.Empty, 4)));
        Assert.Equal(0f, Loss.CrossEntropy<float>([], ReadOnlySpan<float>.Empty, 4, Reduction.Sum));
        Assert.True(float.IsNaN(Loss.KullbackLeiblerDivergence<float>([], [], 3)));
    }

    [Fact]
    public void RootMeanSquaredErrorGradientIsZeroWhereTheErrorIsZero()
    {
        float[] p = [1f, 2f, 3f], g = [5f, 5f, 5f];
        Assert.Equal(0f, Loss.RootMeanSquaredError<float>(p, p, g));
        Assert.All(g, v => Assert.Equal(0f, v));
    }

    private static void AssertFinite(float value, float[] gradient, string what)
    {
        Assert.True(float.IsFinite(value), $"{what}: value {value}");
        for (int i = 0; i < gradient.Length; i++)
        {
            Assert.True(float.IsFinite(gradient[i]), $"{what}: gradient[{i}] = {gradient[i]}");
        }
    }
}
