using System;
using System.Linq;
using Xunit;

namespace FastLoss.Tests;

/// <summary>Gradients against central finite differences of the value form, in double.</summary>
public class FiniteDifferenceTests
{
    public static TheoryData<string> SmoothLosses => new(PointwiseLoss.All.Where(l => l.Smooth).Select(l => l.Name));
    public static TheoryData<string> AllLosses => new(PointwiseLoss.All.Select(l => l.Name));

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void ElementwiseGradientsMatchCentralDifferences(string name)
    {
        PointwiseLoss loss = PointwiseLoss.All.Single(l => l.Name == name);
        foreach (Reduction reduction in new[] { Reduction.Mean, Reduction.Sum })
        {
            (double[] x, double[] y) = PointwiseTests<double>.Inputs(loss, 9, seed: 5);
            double[] g = new double[x.Length];
            loss.Fused<double>(x, y, g, reduction);
            for (int i = 0; i < x.Length; i++)
            {
                double h = 1e-6 * Math.Max(1, Math.Abs(x[i]));
                if (!loss.Smooth && NearKink(loss, x[i], y[i], h))
                {
                    continue;
                }
                double numeric = CentralDifference(v => loss.Value<double>(v, y, reduction), x, i, h);
                Check.Close(numeric, g[i], 1e-6 * Math.Max(1, Math.Abs(numeric)), $"{name} {reduction} ∂/∂x[{i}]");
            }
        }
    }

    [Fact]
    public void CrossEntropyGradientsMatchCentralDifferences()
    {
        Random rng = new(3);
        const int rows = 5, classes = 7;
        double[] x = Enumerable.Range(0, rows * classes).Select(_ => rng.NextDouble() * 6 - 3).ToArray();
        int[] labels = [1, -100, 6, 0, 3];
        double[] w = Enumerable.Range(0, classes).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        double[] t = Enumerable.Range(0, rows * classes).Select(_ => rng.NextDouble() / classes).ToArray();
        double[] g = new double[x.Length];
        Loss.CrossEntropy<double>(x, labels, classes, g, Reduction.Mean, w, labelSmoothing: 0.2);
        Compare(v => Loss.CrossEntropy<double>(v, labels, classes, Reduction.Mean, w, labelSmoothing: 0.2), x, g, "CrossEntropy(labels)");
        Loss.CrossEntropy<double>(x, t, classes, g, Reduction.Sum, labelSmoothing: 0.1);
        Compare(v => Loss.CrossEntropy<double>(v, t, classes, Reduction.Sum, 0.1), x, g, "CrossEntropy(soft)");
        Loss.NegativeLogLikelihood<double>(x, labels, classes, g, Reduction.Mean, w);
        Compare(v => Loss.NegativeLogLikelihood<double>(v, labels, classes, Reduction.Mean, w), x, g, "NegativeLogLikelihood");
        Loss.KullbackLeiblerDivergence<double>(x, t, classes, g);
        Compare(v => Loss.KullbackLeiblerDivergence<double>(v, t, classes), x, g, "KullbackLeiblerDivergence");
        double[] p = x.Select(v => 1 / (1 + Math.Exp(-v))).ToArray();
        double[] bt = Enumerable.Range(0, x.Length).Select(i => (double)(i % 2)).ToArray();
        Loss.BinaryCrossEntropy<double>(p, bt, g, weights: w.Concat(w).Concat(w).Concat(w).Concat(w).ToArray());
        Compare(v => Loss.BinaryCrossEntropy<double>(v, bt, weights: w.Concat(w).Concat(w).Concat(w).Concat(w).ToArray()), p, g, "BinaryCrossEntropy(weights)");
        double[] pred = x.Select(v => v * 2).ToArray();
        Loss.RootMeanSquaredError<double>(pred, x, g);
        Compare(v => Loss.RootMeanSquaredError<double>(v, x), pred, g, "RootMeanSquaredError");
    }

    private static void Compare(Func<double[], double> f, double[] x, double[] g, string what)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(x[i]));
            double numeric = CentralDifference(f, x, i, h);
            Check.Close(numeric, g[i], 1e-6 * Math.Max(1, Math.Abs(numeric)), $"{what} ∂/∂x[{i}]");
        }
    }

    private static double CentralDifference(Func<double[], double> f, double[] x, int i, double h)
    {
        double[] plus = (double[])x.Clone(), minus = (double[])x.Clone();
        plus[i] += h;
        minus[i] -= h;
        return (f(plus) - f(minus)) / (2 * h);
    }

    // Non-smooth losses: skip points within a step of a kink (|d| = δ, d = 0, t·x = 1, …).
    private static bool NearKink(PointwiseLoss loss, double x, double y, double h)
    {
        (double v1, double g1) = loss.Reference(x - 2 * h, y);
        (double v2, double g2) = loss.Reference(x + 2 * h, y);
        return Math.Abs(g1 - g2) > 1e-3 || double.IsNaN(v1 + v2);
    }
}
