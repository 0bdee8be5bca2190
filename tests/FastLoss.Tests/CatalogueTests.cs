using System;
using System.Collections.Generic;
using System.Linq;
using FastLoss.PathProbe;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// Every loss through the registry (<see cref="Catalogue"/>): bad input, allocation, in-place
/// gradients and extreme inputs. (Golden cases: <see cref="GoldenTests"/> and <see cref="MoreGoldenTests"/>; every path: the catalogue hash in
/// <see cref="DeterminismTests"/> and the path probe.)
/// </summary>
public class CatalogueTests
{
    public static TheoryData<string> Names => new(Catalogue.All.Select(e => e.Name).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Names))]
    public void BadInputThrowsNamingTheParameterBeforeAnyWrite(string name)
    {
        Catalogue.Entry entry = Catalogue.Golden[name];
        Assert.NotEmpty(entry.BadInputs);
        foreach ((string parameter, Action<float[]> call) in entry.BadInputs)
        {
            float[] output = Enumerable.Repeat(12345f, 8).ToArray();
            ArgumentException e = Assert.ThrowsAny<ArgumentException>(() => call(output));
            Assert.Equal(parameter, e.ParamName);
            Assert.All(output, v => Assert.Equal(12345f, v));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void AWarmRunAllocatesNothing(string name)
    {
        Action<List<long>> run = Catalogue.Golden[name].Setup(new Random(3), 1000);
        List<long> bits = [];
        run(bits);
        bits.Clear();
        long before = GC.GetAllocatedBytesForCurrentThread();
        run(bits);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{name}: a warm run of every form allocated {allocated} bytes");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TheWorkloadIsTheSameForTheSameInputs(string name)
    {
        List<long> first = [], second = [];
        Catalogue.Golden[name].Workload(new Random(5), 777, first);
        Catalogue.Golden[name].Workload(new Random(5), 777, second);
        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(256, 3)]
    [InlineData(300, 2)]
    public void OverlapLossesNameTheFirstBadProbabilityAnywhereElseTheFirstBadTargetBeforeAnyWrite(int rows, int rowLength)
    {
        // Up to 256 rows Dice and Tversky validate row by row (with the sums); past that, whole inputs first: the
        // same exception either way, the probabilities' first bad element before any target's.
        int n = rows * rowLength;
        float[] p = Enumerable.Repeat(0.5f, n).ToArray(), t = Enumerable.Repeat(1f, n).ToArray();
        float[] g = Enumerable.Repeat(12345f, n).ToArray();
        t[1] = 2;
        t[n - 2] = -1;
        p[n - 1] = 1.5f;
        p[n - 3] = -0.5f;
        foreach (bool tversky in new[] { false, true })
        {
            ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => Run(tversky));
            Assert.Equal("probabilities", e.ParamName);
            Assert.Contains($"probabilities[{n - 3}]", e.Message);
            Assert.All(g, v => Assert.Equal(12345f, v));
        }
        p[n - 3] = 0.25f;
        p[n - 1] = 0.75f;
        foreach (bool tversky in new[] { false, true })
        {
            ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => Run(tversky));
            Assert.Equal("targets", e.ParamName);
            Assert.Contains("targets[1]", e.Message);
            Assert.All(g, v => Assert.Equal(12345f, v));
        }

        float Run(bool tversky) => tversky ? Loss.Tversky<float>(p, t, rowLength, g) : Loss.Dice<float>(p, t, rowLength, g);
    }

    [Fact]
    public void InPlaceGradientsEqualSeparateOnes()
    {
        Random r = new(11);
        float[] x = Enumerable.Range(0, 3 * 37).Select(_ => (float)(r.NextDouble() * 6 - 3)).ToArray();
        float[] y = Enumerable.Range(0, x.Length).Select(_ => (float)(r.NextDouble() * 6 - 3)).ToArray();
        float[] signs = x.Select((_, i) => i % 3 == 0 ? -1f : 1f).ToArray();
        float[] probabilities = x.Select(v => 1 / (1 + MathF.Exp(-v))).ToArray();
        float[] targets = y.Select(v => v > 0 ? 1f : 0f).ToArray();
        int[] labels = [4, 36, 0];
        Check("soft margin", x, input => { float[] g = new float[input.Length]; return (Loss.SoftMargin<float>(input, signs, g), g); },
            input => (Loss.SoftMargin<float>(input, signs, input), input));
        Check("msle", probabilities, input => { float[] g = new float[input.Length]; return (Loss.MeanSquaredLogarithmicError<float>(input, targets, g), g); },
            input => (Loss.MeanSquaredLogarithmicError<float>(input, targets, input), input));
        Check("multi margin", x, input => { float[] g = new float[input.Length]; return (Loss.MultiMargin<float>(input, labels, 37, g, p: 2), g); },
            input => (Loss.MultiMargin<float>(input, labels, 37, input, p: 2), input));
        Check("cross-entropy z", x, input => { float[] g = new float[input.Length]; return (Loss.CrossEntropy<float>(input, labels, 37, g, 1e-2, labelSmoothing: 0.1), g); },
            input => (Loss.CrossEntropy<float>(input, labels, 37, input, 1e-2, labelSmoothing: 0.1), input));
        Check("multilabel", x, input => { float[] g = new float[input.Length]; return (Loss.MultiLabelSoftMargin<float>(input, targets, 37, g), g); },
            input => (Loss.MultiLabelSoftMargin<float>(input, targets, 37, input), input));
        Check("dice", probabilities, input => { float[] g = new float[input.Length]; return (Loss.Dice<float>(input, targets, 37, g), g); },
            input => (Loss.Dice<float>(input, targets, 37, input), input));
        Check("cosine", x, input => { float[] g = new float[input.Length]; return (Loss.CosineEmbedding<float>(input, y, [1, -1, 1], 37, g, default, margin: -0.5), g); },
            input => (Loss.CosineEmbedding<float>(input, y, [1, -1, 1], 37, input, default, margin: -0.5), input));
        Check("triplet", x, input => { float[] g = new float[input.Length]; return (Loss.TripletMargin<float>(input, y, signs, 37, g, default, default, margin: 5), g); },
            input => (Loss.TripletMargin<float>(input, y, signs, 37, input, default, default, margin: 5), input));
        Check("margin ranking", x, input => { float[] g = new float[input.Length]; return (Loss.MarginRanking<float>(input, y, signs, g, default, margin: 0.5), g); },
            input => (Loss.MarginRanking<float>(input, y, signs, input, default, margin: 0.5), input));
        Check("gaussian", x, input => { float[] g = new float[input.Length]; return (Loss.GaussianNegativeLogLikelihood<float>(input, y, probabilities, g, default), g); },
            input => (Loss.GaussianNegativeLogLikelihood<float>(input, y, probabilities, input, default), input));

        static void Check(string what, float[] data, Func<float[], (float, float[])> separate, Func<float[], (float, float[])> inPlace)
        {
            (float v1, float[] g1) = separate((float[])data.Clone());
            (float v2, float[] g2) = inPlace((float[])data.Clone());
            Assert.True(BitConverter.SingleToInt32Bits(v1) == BitConverter.SingleToInt32Bits(v2), $"{what}: value {v1} separate, {v2} in place");
            Assert.True(g1.SequenceEqual(g2), $"{what}: the in-place gradient differs from the separate one");
            Assert.Contains(g1, v => v != 0);
        }
    }

    [Fact]
    public void ExtremeFiniteInputsGiveFiniteResults()
    {
        float[] x = [3e38f, -3e38f, 1e30f, -1e30f, 0, 88.7f, -104f, 1e-40f];
        float[] signs = [1, 1, -1, -1, 1, -1, 1, -1];
        float[] g = new float[x.Length];
        AssertFinite(Loss.SoftMargin<float>(x, signs, g), g);
        AssertFinite(Loss.MultiLabelSoftMargin<float>(x, [1, 0, 1, 0, 1, 0, 1, 0], 4, g), g);
        AssertFinite(Loss.MarginRanking<float>(x, signs, signs, g, default), g);
        AssertFinite(Loss.GaussianNegativeLogLikelihood<float>([1, 2], [1e10f, -1e10f], [0, 1e30f], g.AsSpan(0, 2), default), g.AsSpan(0, 2).ToArray());
        AssertFinite(Loss.CrossEntropy<float>([1e4f, -1e4f, 3e4f, 0], [0, 1], 2, g.AsSpan(0, 4), 1e-4), g.AsSpan(0, 4).ToArray());
        AssertFinite(Loss.CosineEmbedding<float>([1e18f, -1e18f, 0, 0], [1e-18f, 3, 0, 0], [1, -1], 2, g.AsSpan(0, 4), default), g.AsSpan(0, 4).ToArray());
        AssertFinite(Loss.Dice<float>([0, 0, 1, 1], [0, 0, 1, 0], 2, g.AsSpan(0, 4), smooth: 0), g.AsSpan(0, 4).ToArray());

        static void AssertFinite(float value, float[] gradient)
        {
            Assert.True(float.IsFinite(value), $"value {value}");
            Assert.All(gradient, v => Assert.True(float.IsFinite(v), $"gradient {v}"));
        }
    }

    [Fact]
    public void EmptyInputGivesZeroForSumAndNaNForMean()
    {
        float[] none = [];
        Assert.Equal(0f, Loss.SoftMargin<float>(none, none, Reduction.Sum));
        Assert.True(float.IsNaN(Loss.MarginRanking<float>(none, none, none)));
        Assert.True(float.IsNaN(Loss.MultiMargin<float>(none, [], 3)));
        Assert.Equal(0f, Loss.Dice<float>(none, none, 4, Reduction.Sum));
        Assert.True(float.IsNaN(Loss.TripletMargin<float>(none, none, none, 5)));
        Assert.True(float.IsNaN(Loss.CrossEntropy<float>(none, [], 3, 1e-4)));
        Assert.Equal(0f, Loss.CosineEmbedding<float>(none, none, none, 2, Reduction.Sum));
    }
}
