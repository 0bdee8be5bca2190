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
}
