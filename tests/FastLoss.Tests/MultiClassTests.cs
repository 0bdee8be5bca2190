using System;
using System.Linq;
using System.Numerics;
using Xunit;

namespace FastLoss.Tests;

/// <summary>Softmax cross-entropy (labels and soft targets) and NLL against double references, over many shapes.</summary>
public abstract class MultiClassTests<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    // Narrow rows (transposed blocks and the masked single-vector row), long rows with and without a partial
    // last chunk, one class, thousands of classes, and row counts around the block size.
    public static TheoryData<int, int> Shapes => new()
    {
        { 0, 5 }, { 1, 1 }, { 1, 7 }, { 3, 10 }, { 7, 8 }, { 8, 10 }, { 15, 16 }, { 16, 16 }, { 17, 10 }, { 33, 3 }, { 40, 32 },
        { 9, 33 }, { 5, 17 }, { 4, 64 }, { 3, 100 }, { 2, 1000 }, { 1, 5003 }, { 20, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void CrossEntropyWithLabelsMatchesReference(int rows, int classes)
    {
        foreach ((bool weighted, double smoothing, bool ignore) in new[] { (false, 0.0, false), (true, 0.0, true), (false, 0.1, false), (true, 0.2, true) })
        {
            Random rng = new(rows * 1000 + classes);
            double[] logits = Enumerable.Range(0, rows * classes).Select(_ => rng.NextDouble() * 16 - 8).ToArray();
            int[] labels = Enumerable.Range(0, rows).Select(r => ignore && r % 4 == 1 ? -100 : rng.Next(classes)).ToArray();
            double[] weights = weighted ? Enumerable.Range(0, classes).Select(_ => 0.2 + rng.NextDouble()).ToArray() : [];
            T[] x = Check.Convert<T>(logits), w = Check.Convert<T>(weights);
            double[] xd = Check.Widen<T>(x), wd = Check.Widen<T>(w);

            double[] rowLoss = new double[rows];
            double[] grad = new double[rows * classes]; // of the sum
            double denominator = 0;
            double weightTotal = weighted ? wd.Sum() : classes;
            for (int r = 0; r < rows; r++)
            {
                if (labels[r] == -100)
                {
                    continue;
                }
                ReadOnlySpan<double> row = xd.AsSpan(r * classes, classes);
                double max = row.ToArray().Max(), sum = 0;
                foreach (double v in row)
                {
                    sum += Math.Exp(v - max);
                }
                double lse = max + Math.Log(sum);
                double wy = weighted ? wd[labels[r]] : 1;
                denominator += wy;
                double smooth = 0;
                for (int c = 0; c < classes; c++)
                {
                    double wc = weighted ? wd[c] : 1;
                    smooth += wc * (lse - row[c]);
                    double softmax = Math.Exp(row[c] - lse);
                    grad[r * classes + c] = (1 - smoothing) * wy * (softmax - (c == labels[r] ? 1 : 0)) + smoothing / classes * (weightTotal * softmax - wc);
                }
                rowLoss[r] = (1 - smoothing) * wy * (lse - row[labels[r]]) + smoothing / classes * smooth;
            }
            string what = $"CrossEntropy {typeof(T).Name} {rows}x{classes} weighted={weighted} smoothing={smoothing} ignore={ignore}";
            foreach (Reduction reduction in new[] { Reduction.Mean, Reduction.Sum })
            {
                T[] g = new T[rows * classes];
                T value = Loss.CrossEntropy<T>(x, labels, classes, reduction, w, labelSmoothing: smoothing);
                T fused = Loss.CrossEntropy<T>(x, labels, classes, g, reduction, w, labelSmoothing: smoothing);
                Check.SameBits(value, fused, $"{what} {reduction} fused vs value");
                double scale = reduction == Reduction.Mean ? 1 / denominator : 1;
                double expected = rowLoss.Sum() * scale;
                if (rows == 0)
                {
                    Assert.True(reduction == Reduction.Sum ? value == T.Zero : T.IsNaN(value));
                    continue;
                }
                Check.Close(expected, Check.D(value), 4 * Check.Relative<T>() * (rowLoss.Sum(Math.Abs) + rows) * scale, $"{what} {reduction} value");
                Check.Elements<T>(grad.Select(v => v * scale).ToArray(), g, $"{what} {reduction} gradient", relativeScale: 4,
                    magnitude: scale * (weighted ? wd.Max() : 1));
            }
            T[] perRow = new T[rows];
            Loss.CrossEntropyPerRow<T>(x, labels, classes, perRow, w, labelSmoothing: smoothing);
            Check.Elements<T>(rowLoss, perRow, $"{what} per row", relativeScale: 4);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void CrossEntropyWithSoftTargetsMatchesReference(int rows, int classes)
    {
        foreach (double smoothing in new[] { 0.0, 0.15 })
        {
            Random rng = new(rows * 7 + classes);
            T[] x = Check.Convert<T>(Enumerable.Range(0, rows * classes).Select(_ => rng.NextDouble() * 16 - 8).ToArray());
            double[] raw = Enumerable.Range(0, rows * classes).Select(_ => rng.NextDouble()).ToArray();
            for (int r = 0; r < rows; r++)
            {
                double s = raw.AsSpan(r * classes, classes).ToArray().Sum();
                for (int c = 0; c < classes; c++)
                {
                    raw[r * classes + c] /= s;
                }
            }
            T[] t = Check.Convert<T>(raw);
            double[] xd = Check.Widen<T>(x), td = Check.Widen<T>(t);
            double[] rowLoss = new double[rows], grad = new double[rows * classes];
            for (int r = 0; r < rows; r++)
            {
                double max = xd.AsSpan(r * classes, classes).ToArray().Max(), sum = 0;
                for (int c = 0; c < classes; c++)
                {
                    sum += Math.Exp(xd[r * classes + c] - max);
                }
                double lse = max + Math.Log(sum), total = 0;
                for (int c = 0; c < classes; c++)
                {
                    total += (1 - smoothing) * td[r * classes + c] + smoothing / classes;
                }
                for (int c = 0; c < classes; c++)
                {
                    double tc = (1 - smoothing) * td[r * classes + c] + smoothing / classes;
                    rowLoss[r] += tc * (lse - xd[r * classes + c]);
                    grad[r * classes + c] = total * Math.Exp(xd[r * classes + c] - lse) - tc;
                }
            }
            string what = $"CrossEntropy(soft) {typeof(T).Name} {rows}x{classes} smoothing={smoothing}";
            foreach (Reduction reduction in new[] { Reduction.Mean, Reduction.Sum })
            {
                T[] g = new T[rows * classes];
                T value = Loss.CrossEntropy<T>(x, t, classes, reduction, smoothing);
                T fused = Loss.CrossEntropy<T>(x, t, classes, g, reduction, smoothing);
                Check.SameBits(value, fused, $"{what} {reduction} fused vs value");
                if (rows == 0)
                {
                    continue;
                }
                double scale = reduction == Reduction.Mean ? 1.0 / rows : 1;
                Check.Close(rowLoss.Sum() * scale, Check.D(value), 4 * Check.Relative<T>() * (rowLoss.Sum(Math.Abs) + rows) * scale, $"{what} {reduction} value");
                Check.Elements<T>(grad.Select(v => v * scale).ToArray(), g, $"{what} {reduction} gradient", relativeScale: 4);
            }
            T[] perRow = new T[rows];
            Loss.CrossEntropyPerRow<T>(x, t, classes, perRow, smoothing);
            Check.Elements<T>(rowLoss, perRow, $"{what} per row", relativeScale: 4);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void NegativeLogLikelihoodMatchesReference(int rows, int classes)
    {
        Random rng = new(rows + 31 * classes);
        T[] x = Check.Convert<T>(Enumerable.Range(0, rows * classes).Select(_ => -rng.NextDouble() * 5).ToArray());
        int[] labels = Enumerable.Range(0, rows).Select(r => r % 3 == 2 ? -100 : rng.Next(classes)).ToArray();
        T[] w = Check.Convert<T>(Enumerable.Range(0, classes).Select(_ => 0.5 + rng.NextDouble()).ToArray());
        double sum = 0, denominator = 0;
        for (int r = 0; r < rows; r++)
        {
            if (labels[r] != -100)
            {
                sum -= Check.D(w[labels[r]]) * Check.D(x[r * classes + labels[r]]);
                denominator += Check.D(w[labels[r]]);
            }
        }
        T[] g = new T[rows * classes];
        T value = Loss.NegativeLogLikelihood<T>(x, labels, classes, g, Reduction.Mean, w);
        Check.SameBits(value, Loss.NegativeLogLikelihood<T>(x, labels, classes, Reduction.Mean, w), "NLL fused vs value");
        Check.Close(sum / denominator, Check.D(value), Check.Relative<T>() * Math.Abs(sum / denominator), "NLL value");
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < classes; c++)
            {
                double expected = labels[r] != -100 && c == labels[r] ? -Check.D(w[c]) / denominator : 0;
                Check.Close(expected, Check.D(g[r * classes + c]), Check.Relative<T>() * Math.Abs(expected), $"NLL gradient [{r},{c}]");
            }
        }
    }

    [Fact]
    public void InPlaceCrossEntropyGradientEqualsSeparate()
    {
        foreach ((int rows, int classes) in new[] { (3, 5), (17, 10), (40, 16), (6, 33), (2, 1000) })
        {
            Random rng = new(rows * classes);
            T[] x = Check.Convert<T>(Enumerable.Range(0, rows * classes).Select(_ => rng.NextDouble() * 10 - 5).ToArray());
            int[] labels = Enumerable.Range(0, rows).Select(_ => rng.Next(classes)).ToArray();
            T[] separate = new T[x.Length];
            T expected = Loss.CrossEntropy<T>(x, labels, classes, separate, labelSmoothing: 0.1);
            T[] inPlace = (T[])x.Clone();
            T actual = Loss.CrossEntropy<T>(inPlace, labels, classes, inPlace, labelSmoothing: 0.1);
            Check.SameBits(expected, actual, $"{rows}x{classes} in place value");
            Check.SameBits<T>(separate, inPlace, $"{rows}x{classes} in place gradient");
        }
    }
}

public sealed class MultiClassTestsSingle : MultiClassTests<float>;

public sealed class MultiClassTestsDouble : MultiClassTests<double>;

/// <summary>The denominator of <c>Mean</c> without class weights (the labels that count), and the labels' check, at every length and position.</summary>
public class LabelCountTests
{
    [Fact]
    public void MeanDividesByTheLabelsThatAreNotIgnoredAtEveryLengthAndPosition()
    {
        var rng = new Random(5);
        foreach (int rows in Enumerable.Range(1, 41).Append(1000))
        {
            for (int trial = 0; trial < 6; trial++)
            {
                int classes = 3;
                int[] labels = Enumerable.Range(0, rows).Select(_ => rng.Next(4) == 0 ? -100 : rng.Next(classes)).ToArray();
                double[] logProbabilities = Enumerable.Range(0, rows * classes).Select(_ => -rng.NextDouble()).ToArray();
                int counted = labels.Count(l => l != -100);
                double sum = Enumerable.Range(0, rows).Where(r => labels[r] != -100).Sum(r => -logProbabilities[r * classes + labels[r]]);
                double expected = sum / counted;
                double mean = Loss.NegativeLogLikelihood<double>(logProbabilities, labels, classes);
                if (counted == 0)
                {
                    Assert.True(double.IsNaN(mean), $"rows={rows}: {mean}");
                }
                else
                {
                    Assert.Equal(expected, mean, 1e-12);
                }
            }
        }
    }

    [Fact]
    public void AnOutOfRangeLabelIsNamedWhereverItIs()
    {
        foreach (int rows in new[] { 8, 9, 17, 64 })
        {
            for (int at = 0; at < rows; at++)
            {
                int[] labels = Enumerable.Range(0, rows).Select(r => r % 5 == 2 ? -100 : r % 3).ToArray();
                labels[at] = at % 2 == 0 ? 3 : -1;
                double[] logits = new double[rows * 3];
                var e = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy<double>(logits, labels, 3));
                Assert.Equal("labels", e.ParamName);
                Assert.Contains($"labels[{at}]", e.Message);
                // Named by the check before any work, not by a kernel's second look (which reports changed labels).
                Assert.Contains("and not ignoreIndex", e.Message);
            }
        }
    }
}
