using System;
using System.Linq;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// The wider catalogue's kernels with every input and output ending (or starting) at an inaccessible page, on every
/// path: a read or write outside the spans passed in kills the test process.
/// </summary>
[Collection(nameof(KernelPathCollection))]
public class CatalogueGuardPageTests
{
    private static readonly int[] Lengths = [.. Enumerable.Range(1, 70), 127, 128, 129, 255, 256, 257, 1000, 4099, 65535, 65536, 65537, 70001];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwoGradientLossesStayInsideTheirSpans(bool guardBefore)
    {
        if (!GuardedBuffer.Supported)
        {
            return;
        }
        int max = Lengths.Max();
        using GuardedBuffer b1 = new(max * 4, guardBefore), b2 = new(max * 4, guardBefore), b3 = new(max * 4, guardBefore), g1 = new(max * 4, guardBefore), g2 = new(max * 4, guardBefore);
        Random r = new(7);
        EveryPath.Run(path =>
        {
            foreach (int n in Lengths)
            {
                Span<float> x = b1.Span<float>(n), y = b2.Span<float>(n), t = b3.Span<float>(n), o1 = g1.Span<float>(n), o2 = g2.Span<float>(n);
                for (int i = 0; i < n; i++)
                {
                    x[i] = (float)r.NextDouble();
                    y[i] = (float)r.NextDouble();
                    t[i] = r.Next(2) == 0 ? -1 : 1;
                }
                Loss.MarginRanking<float>(x, y, t, o1, o2, margin: 0.2);
                Loss.MarginRanking<float>(x, y, t, default, o2);
                Loss.MarginRanking<float>(x, y, t, o1, default, Reduction.Sum);
                Loss.MarginRankingPerElement<float>(x, y, t, o1);
                Loss.MarginRanking<float>(x, y, t);
                t.Fill(0.5f);
                Loss.GaussianNegativeLogLikelihood<float>(x, y, t, o1, o2);
                Loss.GaussianNegativeLogLikelihood<float>(x, y, t, default, o2, full: true);
                Loss.GaussianNegativeLogLikelihoodPerElement<float>(x, y, t, o1);
                Loss.GaussianNegativeLogLikelihood<float>(x, y, t);
                Loss.SoftMargin<float>(x, o2.Length == n ? Sign(t) : t, o1);
                Loss.MeanSquaredLogarithmicError<float>(x, y, o1);
                Loss.MeanSquaredLogarithmicErrorPerElement<float>(x, y, o1);
                Loss.MeanSquaredLogarithmicError<float>(x, y);
                Loss.PoissonNegativeLogLikelihood<float>(x, y, o1, logInput: false, full: true);
            }
        });

        static Span<float> Sign(Span<float> t)
        {
            t.Fill(1);
            return t;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RowLossesStayInsideTheirSpans(bool guardBefore)
    {
        if (!GuardedBuffer.Supported)
        {
            return;
        }
        int[] columns = [.. Enumerable.Range(1, 40), 63, 64, 65, 127, 128, 129, 300];
        const int rows = 3;
        int max = rows * columns.Max();
        using GuardedBuffer b1 = new(max * 4, guardBefore), b2 = new(max * 4, guardBefore), b3 = new(max * 4, guardBefore);
        using GuardedBuffer g1 = new(max * 4, guardBefore), g2 = new(max * 4, guardBefore), g3 = new(max * 4, guardBefore), per = new(rows * 4, guardBefore), lab = new(rows * 4, guardBefore), rt = new(rows * 4, guardBefore);
        Random r = new(8);
        EveryPath.Run(path =>
        {
            foreach (int c in columns)
            {
                int n = rows * c;
                Span<float> a = b1.Span<float>(n), b = b2.Span<float>(n), d = b3.Span<float>(n), o1 = g1.Span<float>(n), o2 = g2.Span<float>(n), o3 = g3.Span<float>(n);
                Span<float> p = per.Span<float>(rows), targets = rt.Span<float>(rows);
                Span<int> labels = lab.Span<int>(rows);
                for (int i = 0; i < n; i++)
                {
                    a[i] = (float)r.NextDouble();
                    b[i] = MathF.Round((float)r.NextDouble());
                    d[i] = (float)r.NextDouble();
                }
                for (int i = 0; i < rows; i++)
                {
                    labels[i] = r.Next(c);
                    targets[i] = i % 2 == 0 ? 1 : -1;
                }
                Loss.MultiMargin<float>(a, labels, c, o1, p: 2);
                Loss.MultiMargin<float>(a, labels, c, a.Length == n ? o1 : o1);
                Loss.MultiMarginPerRow<float>(a, labels, c, p);
                Loss.MultiLabelSoftMargin<float>(a, b, c, o1);
                Loss.MultiLabelSoftMarginPerRow<float>(a, b, c, p);
                Loss.Dice<float>(a, b, c, o1);
                Loss.DicePerRow<float>(a, b, c, p);
                Loss.Tversky<float>(a, b, c, o1, alpha: 0.3, beta: 0.7);
                Loss.CosineEmbedding<float>(a, d, targets, c, o1, o2);
                Loss.CosineEmbedding<float>(a, d, targets, c, default, o2);
                Loss.CosineEmbeddingPerRow<float>(a, d, targets, c, p);
                Loss.TripletMargin<float>(a, b, d, c, o1, o2, o3, margin: 3);
                Loss.TripletMargin<float>(a, b, d, c, default, o2, default, p: 1, swap: true);
                Loss.TripletMarginPerRow<float>(a, b, d, c, p);
                Loss.CrossEntropy<float>(a, labels, c, o1, 1e-3, labelSmoothing: 0.1);
                Loss.CrossEntropyPerRow<float>(a, labels, c, p, 1e-3);
                // In place.
                Loss.Dice<float>(a, b, c, a);
                Loss.CosineEmbedding<float>(a, d, targets, c, a, d);
                Loss.CrossEntropy<float>(a, labels, c, a, 1e-3);
            }
        });
    }
}
