using System;
using System.Linq;
using System.Numerics;
using Xunit;

namespace FastLoss.Tests;

/// <summary>Every element-wise loss against its scalar reference, every form, both reductions, many lengths.</summary>
public abstract class PointwiseTests<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static TheoryData<string> Losses => new(PointwiseLoss.All.Select(l => l.Name));

    private static PointwiseLoss Find(string name) => PointwiseLoss.All.Single(l => l.Name == name);

    [Theory]
    [MemberData(nameof(Losses))]
    public void MatchesReferenceForEveryLengthUpTo256(string name)
    {
        PointwiseLoss loss = Find(name);
        for (int n = 0; n <= 256; n++)
        {
            Verify(loss, n, seed: n);
        }
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void MatchesReferenceAtBoundaryLengths(string name)
    {
        PointwiseLoss loss = Find(name);
        foreach (int n in new[] { 511, 512, 513, 1000, 1023, 1024, 1025, 4095, 4099, 65537, 300_001 })
        {
            Verify(loss, n, seed: n);
        }
    }

    [Fact]
    public void MeanSquaredErrorMatchesReferenceAtAFewMillion()
    {
        Verify(PointwiseLoss.All[0], 3_000_001, seed: 3);
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void InPlaceGradientEqualsSeparateGradient(string name)
    {
        PointwiseLoss loss = Find(name);
        foreach (int n in new[] { 1, 17, 100, 1000, 4099 })
        {
            (T[] x, T[] y) = Inputs(loss, n, seed: 7 * n);
            T[] separate = new T[n];
            T expected = loss.Fused<T>(x, y, separate, Reduction.Mean);
            T[] inPlace = (T[])x.Clone();
            T actual = loss.Fused<T>(inPlace, y, inPlace, Reduction.Mean);
            Check.SameBits(expected, actual, $"{name} n={n} in-place value");
            Check.SameBits<T>(separate, inPlace, $"{name} n={n} in-place gradient");
        }
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void ResultsDoNotDependOnWhereTheDataSits(string name)
    {
        PointwiseLoss loss = Find(name);
        const int n = 1000;
        (T[] x, T[] y) = Inputs(loss, n, seed: 11);
        T[] g0 = new T[n];
        T v0 = loss.Fused<T>(x, y, g0, Reduction.Sum);
        for (int offset = 1; offset < 16; offset++)
        {
            T[] xs = new T[n + 16], ys = new T[n + 16], gs = new T[n + 31];
            x.CopyTo(xs, offset);
            y.CopyTo(ys, 15 - offset);
            Span<T> g = gs.AsSpan(2 * offset, n);
            T v = loss.Fused<T>(xs.AsSpan(offset, n), ys.AsSpan(15 - offset, n), g, Reduction.Sum);
            Check.SameBits(v0, v, $"{name} offset {offset} value");
            Check.SameBits<T>(g0, g, $"{name} offset {offset} gradient");
        }
    }

    internal static (T[] X, T[] Y) Inputs(PointwiseLoss loss, int n, int seed)
    {
        double[] x = new double[n], y = new double[n];
        loss.Fill(new Random(seed), x, y);
        return (Check.Convert<T>(x), Check.Convert<T>(y));
    }

    private static void Verify(PointwiseLoss loss, int n, int seed)
    {
        (T[] x, T[] y) = Inputs(loss, n, seed);
        double[] terms = new double[n], grads = new double[n];
        double sum = 0, sumAbs = 0;
        for (int i = 0; i < n; i++)
        {
            (terms[i], grads[i]) = loss.Reference(Check.D(x[i]), Check.D(y[i]));
            sum += terms[i];
            sumAbs += Math.Abs(terms[i]);
        }
        foreach (Reduction reduction in new[] { Reduction.Mean, Reduction.Sum })
        {
            string what = $"{loss.Name} {typeof(T).Name} n={n} {reduction}";
            T value = loss.Value<T>(x, y, reduction);
            T[] gradient = new T[n];
            T fused = loss.Fused<T>(x, y, gradient, reduction);
            Check.SameBits(value, fused, $"{what}: fused value vs value form");
            if (n == 0)
            {
                Assert.True(reduction == Reduction.Sum ? value == T.Zero : T.IsNaN(value), $"{what}: empty input");
                continue;
            }
            double scale = reduction == Reduction.Mean ? 1.0 / n : 1.0;
            Check.Close(sum * scale, Check.D(value), (Check.Relative<T>() * sumAbs + 1e-300) * scale, $"{what} value");
            Check.Elements<T>(grads.Select(g => g * scale).ToArray(), gradient, $"{what} gradient");
        }
        T[] perElement = new T[n];
        loss.PerElement<T>(x, y, perElement);
        Check.Elements<T>(terms, perElement, $"{loss.Name} {typeof(T).Name} n={n} per-element");
    }
}

public sealed class PointwiseTestsSingle : PointwiseTests<float>;

public sealed class PointwiseTestsDouble : PointwiseTests<double>;
