using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// What a hostile but fair caller found (issue 8): labels that alias an output or change during the call,
/// RMSE at the ends of the range, finite logits whose results overflowed, padding lanes in a result, and
/// the cancellation of BCE with logits. Each example runs on every path this CPU has.
/// </summary>
[Collection(nameof(KernelPathCollection))]
public class HostileInputTests
{
    private static void Relative(double expected, double actual, double tolerance, string what)
        => Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");

    // 1. Labels are indices: no read or write may leave the spans passed in.

    [Fact]
    public void LabelsThatAliasTheGradientOrDestinationAreAnOverlap()
    {
        Random rng = new(1);
        float[] logits = Enumerable.Range(0, 256).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] buffer = new float[256];
        ReadOnlySpan<int> labels = MemoryMarshal.Cast<float, int>(buffer.AsSpan(0, 4));
        ArgumentException e = Assert.ThrowsAny<ArgumentException>(() =>
            Loss.CrossEntropy<float>(logits, MemoryMarshal.Cast<float, int>(buffer.AsSpan(0, 4)), 64, buffer));
        Assert.Equal("gradient", e.ParamName);
        Assert.Contains("labels", e.Message);
        Assert.Equal("gradient", Assert.ThrowsAny<ArgumentException>(() =>
            Loss.NegativeLogLikelihood<float>(logits, MemoryMarshal.Cast<float, int>(buffer.AsSpan(0, 4)), 64, buffer)).ParamName);
        float[] destination = new float[4];
        Assert.Equal("destination", Assert.ThrowsAny<ArgumentException>(() =>
            Loss.CrossEntropyPerRow<float>(logits, MemoryMarshal.Cast<float, int>(destination.AsSpan()), 64, destination)).ParamName);
        Assert.Equal("destination", Assert.ThrowsAny<ArgumentException>(() =>
            Loss.NegativeLogLikelihoodPerRow<float>(logits, MemoryMarshal.Cast<float, int>(destination.AsSpan()), 64, destination)).ParamName);
        Assert.All(buffer, v => Assert.Equal(0f, v));
        Assert.All(destination, v => Assert.Equal(0f, v));
        Assert.Equal(4, labels.Length);
    }

    [Fact]
    public void LabelsChangedByAnotherThreadDuringTheCallNeverReachOutsideTheSpans()
    {
        // In a child process: before the fix this wrote into neighbouring arrays or crashed the process.
        (int exitCode, string output, string error) = ChildProbe.Run("", "label-race", "20000");
        Assert.True(exitCode == 0, $"label race: exit {exitCode}: {output} {error}");
        Assert.StartsWith("ok", output.Trim());
    }

    // 2. RMSE for every finite input.

    [Theory]
    [InlineData(3e19)]
    [InlineData(1e-25)]
    [InlineData(1e-22)]
    [InlineData(1e-45)]
    [InlineData(3e38)]
    public void FloatRootMeanSquaredErrorOfOneElementIsItsError(double error)
    {
        float p = (float)error;
        EveryPath.Run(path =>
        {
            float[] g = new float[1];
            Assert.Equal(p, Loss.RootMeanSquaredError<float>([p], [0f], g));
            Assert.Equal(1f, g[0]);
            Assert.Equal(p, Loss.RootMeanSquaredError<float>([0f], [-p]));
        });
    }

    [Theory]
    [InlineData(1e155)]
    [InlineData(1e-165)]
    [InlineData(4.9e-324)]
    [InlineData(1.7e308)]
    public void DoubleRootMeanSquaredErrorOfOneElementIsItsError(double error)
    {
        EveryPath.Run(path =>
        {
            double[] g = new double[1];
            Assert.Equal(error, Loss.RootMeanSquaredError<double>([error], [0.0], g));
            // d·(1/(n·rmse)): the reciprocal's rounding may leave the last bit.
            Relative(1.0, g[0], 2.3e-16, $"gradient on {path}");
        });
    }

    [Fact]
    public void RootMeanSquaredErrorWhoseDifferencesOverflowIsRightWhereTheResultFits()
    {
        EveryPath.Run(path =>
        {
            // p − t = 6e38 overflows float (and 2e308 double), but the RMSE over four elements is half of it.
            float[] g = new float[4];
            Relative(3e38, Loss.RootMeanSquaredError<float>([3e38f, 0, 0, 1], [-3e38f, 0, 0, 1], g), 1e-6, $"{path} float");
            Relative(0.5, g[0], 1e-6, $"{path} float gradient");
            Assert.Equal([0f, 0f, 0f], g[1..]);
            double[] gd = new double[4];
            Relative(1e308, Loss.RootMeanSquaredError<double>([1e308, 0, 0, 1], [-1e308, 0, 0, 1], gd), 1e-15, $"{path} double");
            Relative(0.5, gd[0], 1e-15, $"{path} double gradient");
            // Beyond the range the RMSE is ∞, rightly.
            Assert.Equal(float.PositiveInfinity, Loss.RootMeanSquaredError<float>([3e38f], [-3e38f]));
        });
    }

    [Fact]
    public void RootMeanSquaredErrorMatchesAScaledDoubleReferenceAcrossTheRange()
    {
        Random rng = new(2);
        foreach (int n in new[] { 1, 7, 64, 1000, 4099 })
        {
            foreach (double magnitude in new[] { 1e-44, 1e-30, 1e-20, 1.0, 1e18, 1e30, 1e37 })
            {
                float[] p = Enumerable.Range(0, n).Select(_ => (float)(magnitude * (rng.NextDouble() * 2 - 1))).ToArray();
                float[] t = Enumerable.Range(0, n).Select(_ => (float)(magnitude * (rng.NextDouble() * 2 - 1))).ToArray();
                // Float differences and squares are exact enough in double over this whole range.
                double sum = 0;
                for (int i = 0; i < n; i++)
                {
                    double d = (double)p[i] - t[i];
                    sum += d * d;
                }
                double rmse = Math.Sqrt(sum / n);
                EveryPath.Run(path =>
                {
                    float[] g = new float[n];
                    float value = Loss.RootMeanSquaredError<float>(p, t, g);
                    // Within rounding to float, whose spacing below 1.2e-38 is 1.4e-45.
                    Assert.True(Math.Abs(value - rmse) <= 2e-7 * rmse + 0.71e-45, $"n={n} magnitude {magnitude} {path}: {value:R}, expected {rmse:R}");
                    for (int i = 0; i < n; i++)
                    {
                        double expected = ((double)p[i] - t[i]) / (n * rmse);
                        Assert.True(Math.Abs(g[i] - expected) <= 2e-7 * Math.Abs(expected) + 1e-45,
                            $"n={n} magnitude {magnitude} {path}: gradient [{i}] {g[i]:R}, expected {expected:R}");
                    }
                });
            }
        }
    }

    [Fact]
    public void ElementwiseSumsOfLargeTermsStayFiniteWhereTheMeanIs()
    {
        // Float blocks add four terms in float: one that overflows is taken in double, lane by lane; double terms
        // are scaled by a power of two before they are added. Each mean here is finite, each sum of the terms not
        // (in float, or in double).
        EveryPath.Run(path =>
        {
            foreach (int n in new[] { 4, 64, 100, 1000 })
            {
                float[] p = Enumerable.Repeat(3e38f, n).ToArray(), t = new float[n], g = new float[n];
                Relative(3e38 - Math.Log(2), Loss.LogCosh<float>(p, t, g), 1e-6, $"log-cosh float n={n} on {path}");
                Assert.All(g, v => Assert.Equal(1f / n, v, 1e-6f));
                Relative(2.25e38, Loss.MeanSquaredError<float>(Enumerable.Repeat(1.5e19f, n).ToArray(), t), 1e-6, $"MSE float n={n} on {path}");
                Relative(3e38 * 0.75, Loss.BinaryCrossEntropyWithLogits<float>(Enumerable.Repeat(-3e38f, n).ToArray(), Enumerable.Repeat(0.75f, n).ToArray()), 1e-6, $"BCE float n={n} on {path}");
                double[] pd = Enumerable.Repeat(1e308, n).ToArray(), td = new double[n];
                Relative(1e308 - Math.Log(2), Loss.LogCosh<double>(pd, td), 1e-15, $"log-cosh double n={n} on {path}");
                Relative(0.75e308, Loss.BinaryCrossEntropyWithLogits<double>(pd.Select(v => -v).ToArray(), Enumerable.Repeat(0.75, n).ToArray()), 1e-15, $"BCE double n={n} on {path}");
                // The sum itself is beyond the range: ∞, rightly.
                Assert.Equal(double.PositiveInfinity, Loss.LogCosh<double>(pd, td, Reduction.Sum));
            }
        });
    }

    [Fact]
    public void FusedFloatBlocksThatOverflowHaveTheBitsOfTheValueFormInPlaceOrNot()
    {
        // Where some lanes' float block sums overflow, the fused pass (which on the 256-bit path builds the
        // block sums as the chunks come, and computes an overflowed block's terms again from its inputs) must add
        // what the value pass adds, bit for bit, whether its gradient has memory of its own or overwrites the
        // predictions, on every path; and the mean is still right.
        var random = new Random(12);
        foreach (int n in new[] { 64, 130, 1000, 4099 })
        {
            float[] p = new float[n], t = new float[n];
            for (int i = 0; i < n; i++)
            {
                p[i] = random.Next(9) == 0 ? 1.5e19f * (1 + 0.2f * random.NextSingle()) : random.NextSingle();
                t[i] = random.NextSingle();
            }
            if (n == 4099)
            {
                // A NaN in one block: its sum is NaN (taken again too, and kept as the value form keeps it).
                p[70] = float.NaN;
            }
            double exact = p.Zip(t, (a, b) => ((double)a - b) * ((double)a - b)).Sum() / n;
            var bits = new List<int>();
            EveryPath.Run(path =>
            {
                float value = Loss.MeanSquaredError<float>(p, t);
                float[] g = new float[n];
                float fused = Loss.MeanSquaredError<float>(p, t, g);
                float[] inPlace = (float[])p.Clone();
                float fusedInPlace = Loss.MeanSquaredError<float>(inPlace, t, inPlace);
                Assert.Equal(BitConverter.SingleToInt32Bits(value), BitConverter.SingleToInt32Bits(fused));
                Assert.Equal(BitConverter.SingleToInt32Bits(value), BitConverter.SingleToInt32Bits(fusedInPlace));
                Assert.Equal(g, inPlace);
                if (!double.IsNaN(exact))
                {
                    Relative(exact, value, 1e-6, $"MSE n={n} on {path}");
                }
                Assert.Equal(double.IsNaN(exact), float.IsNaN(value));
                bits.Add(BitConverter.SingleToInt32Bits(fused));
            });
            Assert.All(bits, b => Assert.Equal(bits[0], b));
        }
    }

    // 3. Finite logits give finite results wherever the true value is finite.

    [Theory]
    [InlineData(16, 2)]
    [InlineData(15, 2)]
    [InlineData(17, 2)]
    [InlineData(32, 10)]
    [InlineData(16, 32)]
    [InlineData(40, 33)]
    public void CrossEntropyOfAHugeGapOverManyRowsIsFinite(int rows, int classes)
    {
        float[] logits = new float[rows * classes];
        logits[0] = 3e38f;
        logits[1] = -3e38f;
        int[] labels = new int[rows];
        labels[0] = 1;
        // Row 0 loses 6e38 (beyond float), the other rows log(classes): the mean is in range.
        double expected = (6e38 + (rows - 1) * Math.Log(classes)) / rows;
        double[] logitsD = logits.Select(v => v == 3e38f ? 1e308 : v == -3e38f ? -1e308 : 0.0).ToArray();
        double expectedD = 1e308 / rows * 2 + (rows - 1) * Math.Log(classes) / rows;
        EveryPath.Run(path =>
        {
            float[] g = new float[logits.Length];
            Relative(expected, Loss.CrossEntropy<float>(logits, labels, classes, g), 1e-6, $"{rows}x{classes} float on {path}");
            Assert.All(g, v => Assert.True(float.IsFinite(v)));
            Relative(expected, Loss.CrossEntropy<float>(logits, labels, classes), 1e-6, $"{rows}x{classes} float value on {path}");
            double[] gd = new double[logits.Length];
            Relative(expectedD, Loss.CrossEntropy<double>(logitsD, labels, classes, gd), 1e-12, $"{rows}x{classes} double on {path}");
            Assert.All(gd, v => Assert.True(double.IsFinite(v)));
            // Per row, 6e38 is beyond float: ∞ is the right answer there.
            float[] perRow = new float[rows];
            Loss.CrossEntropyPerRow<float>(logits, labels, classes, perRow);
            Assert.Equal(float.PositiveInfinity, perRow[0]);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(20)]
    public void SoftTargetsAndSmoothingOfAHugeGapAreFinite(int rows)
    {
        float[] logits = Enumerable.Range(0, rows).SelectMany(_ => new[] { 3e38f, -3e38f }).ToArray();
        float[] targets = Enumerable.Repeat(0.5f, 2 * rows).ToArray();
        double[] logitsD = Enumerable.Range(0, rows).SelectMany(_ => new[] { 1e308, -1e308 }).ToArray();
        double[] targetsD = Enumerable.Repeat(0.5, 2 * rows).ToArray();
        int[] labels = new int[rows];
        EveryPath.Run(path =>
        {
            float[] g = new float[2 * rows];
            double[] gd = new double[2 * rows];
            Relative(3e38, Loss.CrossEntropy<float>(logits, targets, 2, g), 1e-6, $"soft float {rows} rows on {path}");
            Relative(1e308, Loss.CrossEntropy<double>(logitsD, targetsD, 2, gd), 1e-12, $"soft double {rows} rows on {path}");
            // ε = 1: the target is uniform, (1/2)·(0 + gap), with nothing of the label's term left (0·∞ was NaN).
            Relative(3e38, Loss.CrossEntropy<float>(logits, labels, 2, g, labelSmoothing: 1), 1e-6, $"ε=1 float {rows} rows on {path}");
            Relative(1e308, Loss.CrossEntropy<double>(logitsD, labels, 2, gd, labelSmoothing: 1), 1e-12, $"ε=1 double {rows} rows on {path}");
            // Smoothing 0.5 with label 0: (1 − ε)·0 + (ε/2)·gap.
            Relative(1.5e38, Loss.CrossEntropy<float>(logits, labels, 2, g, labelSmoothing: 0.5), 1e-6, $"ε=0.5 float {rows} rows on {path}");
        });
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsOfTheLargestLogitAndASmallTargetIsFinite()
    {
        EveryPath.Run(path =>
        {
            Relative(3e-7 * float.MaxValue, Loss.BinaryCrossEntropyWithLogits<float>([-float.MaxValue], [1e-7f], positiveWeight: 3f), 1e-5, $"float on {path}");
            Relative(3e-7 * double.MaxValue, Loss.BinaryCrossEntropyWithLogits<double>([-double.MaxValue], [1e-7], positiveWeight: 3.0), 1e-12, $"double on {path}");
        });
    }

    // 4. Padding lanes never reach a result.

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(16, 1)]
    [InlineData(16, 2)]
    [InlineData(2, 40)]
    public void ARowOfMinusInfinityIsNaNAsInPyTorch(int rows, int classes)
    {
        EveryPath.Run(path =>
        {
            float[] logits = new float[rows * classes];
            logits.AsSpan(0, classes).Fill(float.NegativeInfinity);
            float[] g = new float[logits.Length];
            float[] perRow = new float[rows];
            Assert.True(float.IsNaN(Loss.CrossEntropy<float>(logits, new int[rows], classes, g)), $"{rows}x{classes} on {path}: value");
            for (int c = 0; c < classes; c++)
            {
                Assert.True(float.IsNaN(g[c]), $"{rows}x{classes} on {path}: gradient [{c}] = {g[c]}");
            }
            Loss.CrossEntropyPerRow<float>(logits, new int[rows], classes, perRow);
            Assert.True(float.IsNaN(perRow[0]));
            double[] gd = new double[logits.Length];
            Assert.True(double.IsNaN(Loss.CrossEntropy<double>(logits.Select(v => (double)v).ToArray(), new int[rows], classes, gd)));
            Assert.True(double.IsNaN(gd[0]), $"{rows}x{classes} double on {path}: gradient {gd[0]}");
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void MinusInfinityBesideAFiniteLogitHasAZeroExponential(int rows)
    {
        float[] logits = Enumerable.Range(0, rows).SelectMany(_ => new[] { float.NegativeInfinity, 0f }).ToArray();
        int[] labels = Enumerable.Repeat(1, rows).ToArray();
        EveryPath.Run(path =>
        {
            float[] g = Enumerable.Repeat(9f, 2 * rows).ToArray();
            Assert.Equal(0f, Loss.CrossEntropy<float>(logits, labels, 2, g));
            Assert.All(g, v => Assert.Equal(0f, v));
            double[] gd = new double[2 * rows];
            Assert.Equal(0.0, Loss.CrossEntropy<double>(logits.Select(v => (double)v).ToArray(), labels, 2, gd));
            Assert.All(gd, v => Assert.Equal(0.0, v));
            // The −∞ class as the label: the loss is +∞.
            Assert.Equal(float.PositiveInfinity, Loss.CrossEntropy<float>(logits, new int[rows], 2));
        });
    }

    // 5. Smaller holes.

    [Fact]
    public void BinaryCrossEntropyWithLogitsIsNeverNegativeAndAccurateForLargeLogits()
    {
        EveryPath.Run(path =>
        {
            Assert.Equal(0f, Loss.BinaryCrossEntropyWithLogits<float>([-1e4f], [0.3f], positiveWeight: 0f));
            Assert.Equal(0.0, Loss.BinaryCrossEntropyWithLogits<double>([-1e20], [0.3], positiveWeight: 0.0));
            Assert.Equal(0.0, Loss.BinaryCrossEntropyWithLogits<double>([1e20], [1.0]));
            // (1 − t)·x for large positive x, pw·t·|x| for large negative x, to the last bits.
            Relative(0.7 * 1e4, Loss.BinaryCrossEntropyWithLogits<float>([1e4f], [0.3f]), 1e-7, $"float x = 1e4 on {path}");
            Relative(0.3 * 1e20, Loss.BinaryCrossEntropyWithLogits<double>([-1e20], [0.3]), 1e-15, $"double x = −1e20 on {path}");
            Relative(2 * 0.3 * 1e20, Loss.BinaryCrossEntropyWithLogits<double>([-1e20], [0.3], positiveWeight: 2.0), 1e-15, $"double pw = 2 on {path}");
        });
        Random rng = new(3);
        int n = 4096;
        float[] x = Enumerable.Range(0, n).Select(_ => (float)(Math.Pow(10, rng.NextDouble() * 38) * (rng.Next(2) * 2 - 1))).ToArray();
        float[] t = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        foreach (float pw in new[] { 0f, 0.5f, 1f, 3f })
        {
            float[] perElement = new float[n];
            Loss.BinaryCrossEntropyWithLogitsPerElement<float>(x, t, perElement, positiveWeight: pw);
            for (int i = 0; i < n; i++)
            {
                // The reference in double: the two terms of one sign, log1p(e^−|x|) by its series where e^−|x| is tiny.
                double xi = x[i], ti = t[i], e = Math.Exp(-Math.Abs(xi));
                double expected = (xi >= 0 ? (1 - ti) * xi : -pw * ti * xi) + (1 + (pw - 1) * ti) * (e < 1e-8 ? e - e * e / 2 : Math.Log(1 + e));
                Assert.True(perElement[i] >= 0, $"pw {pw}: x {xi}, t {ti}: {perElement[i]}");
                Assert.True(Math.Abs(perElement[i] - expected) <= 1e-6 * expected + 1e-37, $"pw {pw}: x {xi}, t {ti}: {perElement[i]:R}, expected {expected:R}");
            }
        }
    }

    [Fact]
    public void SigmoidFocalTargetsOutsideTheUnitIntervalThrowBeforeWriting()
    {
        float[] g = [-7f, -7f];
        Assert.Equal("targets", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SigmoidFocal<float>([0f, 1f], [0.5f, 1.5f], g)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SigmoidFocal<float>([0f, 1f], [-0.1f, 1f])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SigmoidFocalPerElement<float>([0f, 1f], [2f, 1f], g)).ParamName);
        Assert.Equal([-7f, -7f], g);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(20)]
    public void OneClassHasExactlyZeroLossAndGradient(int rows)
    {
        Random rng = new(rows);
        float[] logits = Enumerable.Range(0, rows).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
        float[] weights = [0.7f];
        EveryPath.Run(path =>
        {
            foreach (double smoothing in new[] { 0.0, 0.3, 1.0 })
            {
                float[] g = Enumerable.Repeat(9f, rows).ToArray();
                Assert.Equal(0f, Loss.CrossEntropy<float>(logits, new int[rows], 1, g, labelSmoothing: smoothing));
                Assert.All(g, v => Assert.True(v == 0f && !float.IsNegative(v), $"ε = {smoothing} on {path}: gradient {v:R}"));
                Assert.Equal(0f, Loss.CrossEntropy<float>(logits, new int[rows], 1, g, classWeights: weights, labelSmoothing: smoothing));
                Assert.All(g, v => Assert.True(v == 0f, $"weighted, ε = {smoothing} on {path}: gradient {v:R}"));
                Assert.Equal(0f, Loss.CrossEntropy<float>(logits, Enumerable.Repeat(1f, rows).ToArray(), 1, g, labelSmoothing: smoothing));
                Assert.All(g, v => Assert.True(v == 0f, $"soft, ε = {smoothing} on {path}: gradient {v:R}"));
                double[] gd = new double[rows];
                Assert.Equal(0.0, Loss.CrossEntropy<double>(logits.Select(v => (double)v).ToArray(), new int[rows], 1, gd, labelSmoothing: smoothing));
                Assert.All(gd, v => Assert.True(v == 0.0, $"double, ε = {smoothing} on {path}: gradient {v:R}"));
            }
        });
    }

    [Fact]
    public void FloatCrossEntropyOfOneRowOfMillionsOfClassesKeepsItsGradientAccurate()
    {
        const int classes = 4 << 20;
        Random rng = new(4);
        float[] logits = new float[classes];
        for (int i = 0; i < classes; i++)
        {
            logits[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        double max = logits.Max(), sum = 0;
        foreach (float v in logits)
        {
            sum += Math.Exp(v - max);
        }
        float[] g = new float[classes];
        Loss.CrossEntropy<float>(logits, [7], classes, g);
        double worst = 0;
        for (int c = 0; c < classes; c++)
        {
            double expected = Math.Exp(logits[c] - max) / sum - (c == 7 ? 1 : 0);
            worst = Math.Max(worst, Math.Abs(g[c] - expected) / Math.Abs(expected));
        }
        Assert.True(worst < 1e-6, $"largest relative error of the gradient {worst:E2}");
    }
}
