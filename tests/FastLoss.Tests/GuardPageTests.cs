using System;
using System.Linq;
using System.Numerics;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// Every loss and form on spans that end right at an inaccessible page (and start right after one): a kernel
/// that reads or writes one element too far crashes the run instead of passing.
/// </summary>
public abstract class GuardPageTests<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly int[] Lengths = [.. Enumerable.Range(1, 70), 127, 128, 129, 511, 512, 513, 1000, 4099];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ElementwiseLossesStayInsideTheirSpans(bool guardBefore)
    {
        if (!GuardedBuffer.Supported)
        {
            return;
        }
        int max = Lengths.Max();
        using GuardedBuffer bx = new(max * 8, guardBefore), by = new(max * 8, guardBefore), bg = new(max * 8, guardBefore);
        foreach (PointwiseLoss loss in PointwiseLoss.All)
        {
            foreach (int n in Lengths)
            {
                (T[] x, T[] y) = PointwiseTests<T>.Inputs(loss, n, seed: n);
                Span<T> sx = bx.Span<T>(n), sy = by.Span<T>(n), sg = bg.Span<T>(n);
                x.CopyTo(sx);
                y.CopyTo(sy);
                T[] expected = new T[n];
                T value = loss.Fused<T>(x, y, expected, Reduction.Mean);
                Check.SameBits(value, loss.Fused<T>(sx, sy, sg, Reduction.Mean), $"{loss.Name} n={n}");
                Check.SameBits<T>(expected, sg, $"{loss.Name} n={n} gradient");
                Check.SameBits(value, loss.Value<T>(sx, sy, Reduction.Mean), $"{loss.Name} n={n} value form");
                loss.PerElement<T>(sx, sy, sg);
                loss.Fused<T>(sx, sy, sx, Reduction.Sum); // in place
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiClassLossesStayInsideTheirSpans(bool guardBefore)
    {
        if (!GuardedBuffer.Supported)
        {
            return;
        }
        (int Rows, int Classes)[] shapes = [(1, 1), (1, 3), (2, 5), (3, 10), (17, 10), (16, 16), (5, 17), (33, 32), (3, 33), (2, 100), (1, 1003)];
        int max = shapes.Max(s => s.Rows * s.Classes);
        using GuardedBuffer bx = new(max * 8, guardBefore), bt = new(max * 8, guardBefore), bg = new(max * 8, guardBefore);
        using GuardedBuffer bw = new(1003 * 8, guardBefore), bl = new(64 * 4, guardBefore), br = new(64 * 8, guardBefore);
        foreach ((int rows, int classes) in shapes)
        {
            int n = rows * classes;
            Random rng = new(n);
            Span<T> x = bx.Span<T>(n), t = bt.Span<T>(n), g = bg.Span<T>(n), w = bw.Span<T>(classes), perRow = br.Span<T>(rows);
            Span<int> labels = bl.Span<int>(rows);
            for (int i = 0; i < n; i++)
            {
                x[i] = T.CreateTruncating(rng.NextDouble() * 10 - 5);
                t[i] = T.CreateTruncating(1.0 / classes);
            }
            for (int c = 0; c < classes; c++)
            {
                w[c] = T.CreateTruncating(0.5 + rng.NextDouble());
            }
            for (int r = 0; r < rows; r++)
            {
                labels[r] = r % 4 == 3 ? -100 : rng.Next(classes);
            }
            Loss.CrossEntropy<T>(x, labels, classes, g, Reduction.Mean, w, labelSmoothing: 0.1);
            Loss.CrossEntropy<T>(x, labels, classes, Reduction.Sum);
            Loss.CrossEntropyPerRow<T>(x, labels, classes, perRow, w);
            Loss.CrossEntropy<T>(x, t, classes, g, labelSmoothing: 0.1);
            Loss.CrossEntropyPerRow<T>(x, t, classes, perRow);
            Loss.NegativeLogLikelihood<T>(x, labels, classes, g, Reduction.Mean, w);
            Loss.KullbackLeiblerDivergence<T>(x, t, classes, g);
            Loss.CrossEntropy<T>(x, labels, classes, x); // in place
        }
    }
}

public sealed class GuardPageTestsSingle : GuardPageTests<float>;

public sealed class GuardPageTestsDouble : GuardPageTests<double>;
