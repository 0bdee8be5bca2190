using System;
using Xunit;

namespace FastLoss.Tests;

/// <summary>Every bad-input rule of API.md throws, names the parameter, and writes nothing first.</summary>
public class BadInputTests
{
    private static readonly float[] P = [0.5f, 0.25f, 0.75f, 0.1f];
    private static readonly float[] T = [1f, 0f, 1f, 0f];

    private static void Untouched(float[] output)
    {
        foreach (float v in output)
        {
            Assert.Equal(-7f, v);
        }
    }

    private static float[] Sentinel(int n) { float[] a = new float[n]; Array.Fill(a, -7f); return a; }

    [Fact]
    public void MismatchedLengthsNameBothParameters()
    {
        float[] g = Sentinel(4);
        ArgumentException e = Assert.ThrowsAny<ArgumentException>(() => Loss.MeanSquaredError<float>(P, T.AsSpan(0, 3), g));
        Assert.Contains("predictions", e.Message);
        Assert.Contains("targets", e.Message);
        Untouched(g);
        Assert.ThrowsAny<ArgumentException>(() => Loss.BinaryCrossEntropyWithLogits<float>(P, T.AsSpan(1)));
        Assert.ThrowsAny<ArgumentException>(() => Loss.RootMeanSquaredError<float>(P, T.AsSpan(1)));
    }

    [Fact]
    public void GradientOfTheWrongLengthOrPartlyOverlappingThrows()
    {
        float[] g = Sentinel(3);
        Assert.Equal("gradient", Assert.ThrowsAny<ArgumentException>(() => Loss.MeanSquaredError<float>(P, T, g)).ParamName);
        Untouched(g);
        float[] buffer = [.. P, 0f];
        Assert.Equal("gradient", Assert.ThrowsAny<ArgumentException>(() => Loss.Huber<float>(buffer.AsSpan(0, 4), T, buffer.AsSpan(1, 4), 1f)).ParamName);
        float[] t = (float[])T.Clone();
        Assert.Equal("gradient", Assert.ThrowsAny<ArgumentException>(() => Loss.MeanSquaredError<float>(P, t, t)).ParamName);
        float[] shared = new float[7];
        Assert.Equal("gradient", Assert.ThrowsAny<ArgumentException>(() => Loss.CrossEntropy<float>(shared.AsSpan(0, 6), [0, 1], 3, shared.AsSpan(1, 6))).ParamName);
        float[] sameMemory = new float[6];
        Loss.CrossEntropy<float>(sameMemory, [0, 1], 3, sameMemory); // the very same memory: in place, allowed
        Assert.Equal((1f / 3f - 1f) / 2f, sameMemory[0], 6); // (softmax − onehot)/rows
    }

    [Fact]
    public void OutOfRangeParametersNameTheParameter()
    {
        float[] g = Sentinel(4);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Huber<float>(P, T, g, 0f)).ParamName);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Huber<float>(P, T, g, float.NaN)).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SmoothL1<float>(P, T, g, -0.5f)).ParamName);
        Assert.Equal("quantile", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Quantile<float>(P, T, g, 1f)).ParamName);
        Assert.Equal("quantile", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Quantile<float>(P, T, g, 0f)).ParamName);
        Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.MeanSquaredError<float>(P, T, g, (Reduction)7)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SigmoidFocal<float>(P, T, g, gamma: -1)).ParamName);
        Assert.Equal("positiveWeight", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropyWithLogits<float>(P, T, g, positiveWeight: -1f)).ParamName);
        Untouched(g);
    }

    [Fact]
    public void ProbabilitiesOutsideTheUnitIntervalThrowBeforeWriting()
    {
        float[] g = Sentinel(4);
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropy<float>([0.5f, 1.5f, 0.2f, 0.1f], T, g));
        Assert.Equal("probabilities", e.ParamName);
        Assert.Contains("[1]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropy<float>([0.5f, -0.01f, 0.2f, 0.1f], T));
        float[] many = new float[100];
        many[97] = 2f;
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropy<float>(many, new float[100]));
        Untouched(g);
    }

    [Fact]
    public void NegativeWeightsAndHingeTargetsOtherThanPlusMinusOneThrow()
    {
        float[] g = Sentinel(4);
        Assert.Equal("weights", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropy<float>(P, T, g, weights: [1f, 1f, -1f, 1f])).ParamName);
        Assert.Equal("weights", Assert.ThrowsAny<ArgumentException>(() => Loss.BinaryCrossEntropyWithLogits<float>(P, T, g, weights: [1f, 1f])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Hinge<float>(P, [1f, -1f, 0f, 1f], g)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SquaredHinge<float>(P, [1f, -1f, 1f, 2f], g)).ParamName);
        Untouched(g);
    }

    [Fact]
    public void MultiClassRulesThrowBeforeWriting()
    {
        float[] logits = new float[12];
        float[] g = Sentinel(12);
        ArgumentOutOfRangeException label = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy<float>(logits, [0, 1, 4, 2], 3, g));
        Assert.Equal("labels", label.ParamName);
        Assert.Contains("row 2", label.Message);
        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy<float>(logits, [0, 1, 2, 0], 0, g)).ParamName);
        Assert.ThrowsAny<ArgumentException>(() => Loss.CrossEntropy<float>(logits, [0, 1, 2, 0], 5, g));
        Assert.Equal("labels", Assert.ThrowsAny<ArgumentException>(() => Loss.CrossEntropy<float>(logits, [0, 1, 2], 3, g)).ParamName);
        Assert.Equal("labelSmoothing", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy<float>(logits, [0, 1, 2, 0], 3, g, labelSmoothing: 1.5)).ParamName);
        Assert.Equal("classWeights", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy<float>(logits, [0, 1, 2, 0], 3, g, classWeights: [1f, -1f, 1f])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.NegativeLogLikelihood<float>(logits, [0, 1, -1, 2], 3, g)).ParamName);
        Assert.Equal("labelSmoothing", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy<float>(logits, new float[12], 3, g, labelSmoothing: -0.1)).ParamName);
        Untouched(g);
        Assert.Equal("destination", Assert.ThrowsAny<ArgumentException>(() => Loss.CrossEntropyPerRow<float>(logits, [0, 1, 2, 0], 3, new float[3])).ParamName);
        Assert.ThrowsAny<ArgumentException>(() => Loss.KullbackLeiblerDivergence<float>(logits, new float[12], 5));
    }

    [Fact]
    public void OnlyFloatAndDoubleAreSupported()
    {
        Half[] h = [(Half)1, (Half)2];
        Assert.Throws<NotSupportedException>(() => Loss.MeanSquaredError<Half>(h, h));
        Assert.Throws<NotSupportedException>(() => Loss.CrossEntropy<Half>(h, [0], 2));
    }
}
