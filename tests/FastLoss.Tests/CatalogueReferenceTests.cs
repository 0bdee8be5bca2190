using System;
using System.Linq;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// The wider catalogue's row losses against scalar references written from their formulas (in double), for every
/// row length around the row driver's blocks and tails (1 to 70, 127 to 130, 255 to 258, 1000), values and gradients,
/// float and double; the element-wise ones are covered by the golden cases and the shared element-wise driver.
/// </summary>
public class CatalogueReferenceTests
{
    private static readonly int[] Lengths = [.. Enumerable.Range(1, 70), 127, 128, 129, 130, 255, 256, 257, 258, 1000];

    private static double[] Random(Random r, int n, double low, double high) => Enumerable.Range(0, n).Select(_ => (double)(float)(low + (high - low) * r.NextDouble())).ToArray();
    private static float[] F(double[] v) => v.Select(x => (float)x).ToArray();

    private static void Close(double want, double got, double tolerance, string what)
        => Assert.True(Math.Abs(want - got) <= tolerance * Math.Max(1, Math.Abs(want)), $"{what}: want {want}, got {got}");

    /// <summary>Each element to <paramref name="tolerance"/> of the largest (or of <paramref name="floor"/>, the size of the terms that cancel where the gradient is 0).</summary>
    private static void Close(double[] want, double[] got, double tolerance, string what, double floor = 0)
    {
        double scale = Math.Max(Math.Max(want.Max(Math.Abs), 1e-3 / want.Length), floor);
        for (int i = 0; i < want.Length; i++)
        {
            Assert.True(Math.Abs(want[i] - got[i]) <= tolerance * scale, $"{what}[{i}]: want {want[i]}, got {got[i]}");
        }
    }

    [Fact]
    public void MultiMarginMatchesItsFormula()
    {
        Random r = new(1);
        foreach (int classes in Lengths)
        {
            int rows = 3;
            double[] x = Random(r, rows * classes, -2, 2), w = Random(r, classes, 0, 2);
            int[] labels = Enumerable.Range(0, rows).Select(_ => r.Next(classes)).ToArray();
            foreach (int p in new[] { 1, 2 })
            {
                double[] g = new double[x.Length];
                double value = 0;
                for (int row = 0; row < rows; row++)
                {
                    int y = labels[row];
                    for (int j = 0; j < classes; j++)
                    {
                        double h = 0.7 - x[row * classes + y] + x[row * classes + j];
                        if (j == y || h <= 0)
                        {
                            continue;
                        }
                        value += w[y] * Math.Pow(h, p) / classes;
                        double d = w[y] * p * Math.Pow(h, p - 1) / classes / rows;
                        g[row * classes + j] += d;
                        g[row * classes + y] -= d;
                    }
                }
                value /= rows;
                double[] gd = new double[x.Length];
                Close(value, Loss.MultiMargin<double>(x, labels, classes, gd, p: p, margin: 0.7, classWeights: w), 1e-12, $"double {classes} p={p}");
                Close(g, gd, 1e-12, $"double gradient {classes} p={p}");
                float[] gf = new float[x.Length];
                Close(value, Loss.MultiMargin<float>(F(x), labels, classes, gf, p: p, margin: 0.7, classWeights: F(w)), 2e-5, $"float {classes} p={p}");
                Close(g, gf.Select(v => (double)v).ToArray(), 2e-5, $"float gradient {classes} p={p}");
            }
        }
    }

    [Fact]
    public void DiceAndTverskyMatchTheirFormulas()
    {
        Random r = new(2);
        foreach (int length in Lengths)
        {
            int rows = 3;
            double[] p = Random(r, rows * length, 0, 1), t = Random(r, rows * length, 0, 1).Select(v => Math.Round(v)).ToArray();
            foreach ((double alpha, double beta, bool tversky) in new[] { (0.0, 0.0, false), (0.3, 0.7, true) })
            {
                double value = 0;
                double[] g = new double[p.Length];
                for (int row = 0; row < rows; row++)
                {
                    double tp = 0, fp = 0, fn = 0, sp = 0, st = 0;
                    for (int j = 0; j < length; j++)
                    {
                        double a = p[row * length + j], b = t[row * length + j];
                        tp += a * b; fp += a * (1 - b); fn += (1 - a) * b; sp += a; st += b;
                    }
                    double n = tversky ? tp + 1 : 2 * tp + 1, d = tversky ? tp + alpha * fp + beta * fn + 1 : sp + st + 1;
                    value += 1 - n / d;
                    for (int j = 0; j < length; j++)
                    {
                        double b = t[row * length + j];
                        double dn = tversky ? b : 2 * b, dd = tversky ? b + alpha * (1 - b) - beta * b : 1;
                        g[row * length + j] = -(dn * d - n * dd) / (d * d) / rows;
                    }
                }
                value /= rows;
                double[] gd = new double[p.Length];
                float[] gf = new float[p.Length];
                double vd = tversky ? Loss.Tversky<double>(p, t, length, gd, alpha: alpha, beta: beta) : Loss.Dice<double>(p, t, length, gd);
                float vf = tversky ? Loss.Tversky<float>(F(p), F(t), length, gf, alpha: alpha, beta: beta) : Loss.Dice<float>(F(p), F(t), length, gf);
                Close(value, vd, 1e-12, $"double {length} tversky={tversky}");
                Close(g, gd, 1e-12, $"double gradient {length}");
                Close(value, vf, 2e-5, $"float {length}");
                Close(g, gf.Select(v => (double)v).ToArray(), 2e-5, $"float gradient {length}");
            }
        }
    }

    [Fact]
    public void CosineEmbeddingMatchesItsFormula()
    {
        Random r = new(3);
        foreach (int dimension in Lengths)
        {
            int rows = 4;
            double[] a = Random(r, rows * dimension, -2, 2), b = Random(r, rows * dimension, -2, 2);
            double[] t = [1, -1, 1, -1];
            double value = 0;
            double[] g1 = new double[a.Length], g2 = new double[a.Length];
            for (int row = 0; row < rows; row++)
            {
                double dot = 0, m1 = 1e-12, m2 = 1e-12;
                for (int j = 0; j < dimension; j++)
                {
                    double x = a[row * dimension + j], y = b[row * dimension + j];
                    dot += x * y; m1 += x * x; m2 += y * y;
                }
                double den = Math.Sqrt(m1 * m2), cos = dot / den;
                value += t[row] > 0 ? 1 - cos : Math.Max(0, cos + 0.2);
                double c = t[row] > 0 ? -1 : cos + 0.2 > 0 ? 1 : 0;
                for (int j = 0; j < dimension; j++)
                {
                    double x = a[row * dimension + j], y = b[row * dimension + j];
                    g1[row * dimension + j] = c * (y / den - cos * x / m1) / rows;
                    g2[row * dimension + j] = c * (x / den - cos * y / m2) / rows;
                }
            }
            value /= rows;
            double[] h1 = new double[a.Length], h2 = new double[a.Length];
            Close(value, Loss.CosineEmbedding<double>(a, b, t, dimension, h1, h2, margin: -0.2), 1e-12, $"double {dimension}");
            Close(g1, h1, 1e-11, $"double gradient1 {dimension}");
            Close(g2, h2, 1e-11, $"double gradient2 {dimension}");
            float[] f1 = new float[a.Length], f2 = new float[a.Length];
            Close(value, Loss.CosineEmbedding<float>(F(a), F(b), F(t), dimension, f1, f2, margin: -0.2), 2e-5, $"float {dimension}");
            Close(g1, f1.Select(v => (double)v).ToArray(), 2e-5, $"float gradient1 {dimension}");
            Close(g2, f2.Select(v => (double)v).ToArray(), 2e-5, $"float gradient2 {dimension}");
        }
    }

    /// <summary>
    /// Nearly parallel pairs (x₂ = 1.5·x₁ + 1e-4·u): the gradient is the small difference of large terms, so the
    /// float gradient matches the double one to float rounding of its own size only if the sums and the differences
    /// lose nothing to the cancellation (sums rounded in float lose ~1e-3 of it). And inputs past 1.8e19, whose
    /// squares overflow a float, still give the double gradient.
    /// </summary>
    [Fact]
    public void CosineEmbeddingFloatGradientIsExactToRoundingForNearlyParallelAndLargePairs()
    {
        Random r = new(5);
        foreach ((int dimension, double size) in new[] { (300, 1.0), (37, 1.0), (256, 1e20), (5, 1e-20) })
        {
            int rows = 4;
            double[] a = Random(r, rows * dimension, -size, size), u = Random(r, rows * dimension, -size, size);
            double[] b = a.Select((x, i) => (double)(float)(1.5 * x + 1e-4 * u[i])).ToArray();
            double[] t = [1, -1, 1, -1];
            double[] d1 = new double[a.Length], d2 = new double[a.Length];
            float[] f1 = new float[a.Length], f2 = new float[a.Length];
            double want = Loss.CosineEmbedding<double>(a, b, t, dimension, d1, d2);
            double got = Loss.CosineEmbedding<float>(F(a), F(b), F(t), dimension, f1, f2);
            Close(want, got, 1e-6, $"value {dimension} {size}");
            for (int row = 0; row < rows; row++)
            {
                foreach ((double[] w, float[] g, string name) in new[] { (d1, f1, "gradient1"), (d2, f2, "gradient2") })
                {
                    double largest = Enumerable.Range(row * dimension, dimension).Max(i => Math.Abs(w[i]));
                    Assert.True(largest > 0, $"{name} row {row} is 0");
                    for (int i = row * dimension; i < (row + 1) * dimension; i++)
                    {
                        Assert.True(Math.Abs(w[i] - g[i]) <= 1e-5 * largest, $"{name}[{i}] ({dimension}, {size}): want {w[i]}, got {g[i]}");
                    }
                }
            }
        }
    }

    [Fact]
    public void TripletMarginMatchesItsFormula()
    {
        Random r = new(4);
        foreach (int dimension in Lengths)
        {
            int rows = 3;
            double[] a = Random(r, rows * dimension, -1, 1), p = Random(r, rows * dimension, -1, 1), n = Random(r, rows * dimension, -1, 1);
            foreach ((int norm, bool swap) in new[] { (2, false), (2, true), (1, false), (1, true) })
            {
                double value = 0;
                double[] ga = new double[a.Length], gp = new double[a.Length], gn = new double[a.Length];
                for (int row = 0; row < rows; row++)
                {
                    double Distance(double[] u, double[] v)
                    {
                        double s = 0;
                        for (int j = 0; j < dimension; j++)
                        {
                            double d = u[row * dimension + j] - v[row * dimension + j] + 1e-6;
                            s += norm == 2 ? d * d : Math.Abs(d);
                        }
                        return norm == 2 ? Math.Sqrt(s) : s;
                    }
                    double dp = Distance(a, p), dn = Distance(a, n), ds = swap ? Distance(p, n) : double.PositiveInfinity;
                    bool swapped = ds < dn;
                    double hinge = dp - Math.Min(dn, ds) + 3;
                    value += Math.Max(0, hinge);
                    if (hinge <= 0)
                    {
                        continue;
                    }
                    for (int j = 0; j < dimension; j++)
                    {
                        int k = row * dimension + j;
                        double Derivative(double d, double distance) => norm == 2 ? d / distance : Math.Sign(d);
                        double u = Derivative(a[k] - p[k] + 1e-6, dp) / rows;
                        double v = swapped ? Derivative(p[k] - n[k] + 1e-6, ds) / rows : Derivative(a[k] - n[k] + 1e-6, dn) / rows;
                        ga[k] = u - (swapped ? 0 : v);
                        gp[k] = -u - (swapped ? v : 0);
                        gn[k] = v;
                    }
                }
                value /= rows;
                double[] ha = new double[a.Length], hp = new double[a.Length], hn = new double[a.Length];
                string what = $"{dimension} p={norm} swap={swap}";
                Close(value, Loss.TripletMargin<double>(a, p, n, dimension, ha, hp, hn, margin: 3, p: norm, swap: swap), 1e-12, $"double {what}");
                Close(ga, ha, 1e-11, $"double anchor {what}");
                Close(gp, hp, 1e-11, $"double positive {what}");
                Close(gn, hn, 1e-11, $"double negative {what}");
                float[] fa = new float[a.Length], fp = new float[a.Length], fn = new float[a.Length];
                Close(value, Loss.TripletMargin<float>(F(a), F(p), F(n), dimension, fa, fp, fn, margin: 3, p: norm, swap: swap), 2e-5, $"float {what}");
                // u − v of two terms of size 1/rows (p = 1, or one dimension) is 0 in exact arithmetic and a rounding in float.
                Close(ga, fa.Select(x => (double)x).ToArray(), 2e-5, $"float anchor {what}", floor: 1.0 / rows);
            }
        }
    }

    [Fact]
    public void CrossEntropyWithZLossMatchesItsFormula()
    {
        Random r = new(5);
        foreach (int classes in Lengths)
        {
            int rows = 4;
            double[] x = Random(r, rows * classes, -6, 6), w = Random(r, classes, 0.1, 2);
            int[] labels = Enumerable.Range(0, rows).Select(i => i == 2 ? -100 : r.Next(classes)).ToArray();
            const double z = 1e-2, eps = 0.1;
            double total = 0, weight = 0;
            double[] g = new double[x.Length], rowLosses = new double[rows];
            for (int row = 0; row < rows; row++)
            {
                int y = labels[row];
                if (y < 0)
                {
                    continue;
                }
                double max = x.Skip(row * classes).Take(classes).Max(), s = 0;
                for (int c = 0; c < classes; c++)
                {
                    s += Math.Exp(x[row * classes + c] - max);
                }
                double lse = max + Math.Log(s), wsum = w.Sum(), wx = 0;
                for (int c = 0; c < classes; c++)
                {
                    wx += w[c] * x[row * classes + c];
                }
                rowLosses[row] = (1 - eps) * w[y] * (lse - x[row * classes + y]) + eps / classes * (lse * wsum - wx) + w[y] * z * lse * lse;
                total += rowLosses[row];
                weight += w[y];
                for (int c = 0; c < classes; c++)
                {
                    double softmax = Math.Exp(x[row * classes + c] - lse);
                    g[row * classes + c] = softmax * ((1 - eps) * w[y] + eps / classes * wsum + 2 * z * w[y] * lse) - eps / classes * w[c] - (c == y ? (1 - eps) * w[y] : 0);
                }
            }
            double value = total / weight;
            for (int i = 0; i < g.Length; i++)
            {
                g[i] /= weight;
            }
            double[] gd = new double[x.Length];
            Close(value, Loss.CrossEntropy<double>(x, labels, classes, gd, z, classWeights: w, labelSmoothing: eps), 1e-12, $"double {classes}");
            Close(g, gd, 1e-11, $"double gradient {classes}");
            // The value and per-row forms too (long rows take the cross-entropy kernel, narrow ones the row driver).
            Close(value, Loss.CrossEntropy<double>(x, labels, classes, z, classWeights: w, labelSmoothing: eps), 1e-12, $"double value {classes}");
            double[] perRow = new double[rows];
            Loss.CrossEntropyPerRow<double>(x, labels, classes, perRow, z, classWeights: w, labelSmoothing: eps);
            Close(rowLosses, perRow, 1e-12, $"double per row {classes}");
            float[] gf = new float[x.Length];
            Close(value, Loss.CrossEntropy<float>(F(x), labels, classes, gf, z, classWeights: F(w), labelSmoothing: eps), 2e-5, $"float {classes}");
            Close(g, gf.Select(v => (double)v).ToArray(), 2e-5, $"float gradient {classes}");
        }
    }
}
