using System;
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
    private static void OnEveryPath(Action<KernelPath> check)
    {
        KernelPath saved = KernelPaths.Active;
        try
        {
            foreach (KernelPath path in Enum.GetValues<KernelPath>().Where(p => p <= KernelPaths.Supported))
            {
                KernelPaths.Active = path;
                check(path);
            }
        }
        finally
        {
            KernelPaths.Active = saved;
        }
    }

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
        OnEveryPath(path =>
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
        OnEveryPath(path =>
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
        OnEveryPath(path =>
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
                OnEveryPath(path =>
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
}
