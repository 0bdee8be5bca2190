using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// The metrics beyond scikit-learn's cases: R² where a one-pass formula fails, the streaming accumulators over any
/// split of the data, the same bits on every path, no allocation, and the bad-input rules.
/// </summary>
[Collection(nameof(KernelPathCollection))]
public class MetricTests
{
    /// <summary>R² from offsets to the first target (exact for targets within a factor of two of it), in two passes.</summary>
    private static double ReferenceR2(double[] p, double[] t)
    {
        double mean = t.Select(v => v - t[0]).Average();
        double total = t.Sum(v => (v - t[0] - mean) * (v - t[0] - mean));
        double residual = p.Zip(t, (a, b) => (a - b) * (a - b)).Sum();
        return 1 - residual / total;
    }

    /// <summary>The one-pass textbook formula: Σt² − (Σt)²/n.</summary>
    private static double NaiveR2(double[] p, double[] t)
    {
        double sum = 0, squares = 0, residual = 0;
        for (int i = 0; i < t.Length; i++)
        {
            sum += t[i];
            squares += t[i] * t[i];
            residual += (p[i] - t[i]) * (p[i] - t[i]);
        }
        return 1 - residual / (squares - sum * sum / t.Length);
    }

    [Fact]
    public void R2StaysRightForTargetsWithALargeMeanAndASmallSpread()
    {
        Random rng = new(11);
        int n = 4099;
        // float: 1e4 ± 1e-2 (the float grid there is 1e-3); double: 1e6 ± 1.
        float[] tf = Enumerable.Range(0, n).Select(_ => (float)(1e4 + (rng.NextDouble() * 2 - 1) * 1e-2)).ToArray();
        float[] pf = tf.Select(v => (float)(v + (rng.NextDouble() * 2 - 1) * 4e-3)).ToArray();
        double[] td = Enumerable.Range(0, n).Select(_ => 1e6 + (rng.NextDouble() * 2 - 1)).ToArray();
        double[] pd = td.Select(v => v + (rng.NextDouble() * 2 - 1) * 0.5).ToArray();
        foreach ((double[] p, double[] t, double got, string what) in new[]
        {
            (Check.Widen<float>(pf), Check.Widen<float>(tf), Metric.R2Score<float>(pf, tf), "float 1e4 ± 1e-2"),
            (pd, td, Metric.R2Score<double>(pd, td), "double 1e6 ± 1"),
        })
        {
            double want = ReferenceR2(p, t);
            Assert.True(Math.Abs(got - want) <= 1e-12 * Math.Abs(want), $"{what}: want {want:R}, got {got:R}");
            // The test means something: the one-pass formula is far off on the same data.
            Assert.True(Math.Abs(NaiveR2(p, t) - want) > 1e-6 * Math.Abs(want), $"{what}: the naive formula happens to be right");
            RegressionMetrics streamed = new();
            for (int start = 0; start < p.Length; start += 1000)
            {
                int count = Math.Min(1000, p.Length - start);
                if (what.StartsWith("float", StringComparison.Ordinal))
                {
                    streamed.Add<float>(pf.AsSpan(start, count), tf.AsSpan(start, count));
                }
                else
                {
                    streamed.Add<double>(pd.AsSpan(start, count), td.AsSpan(start, count));
                }
            }
            Assert.True(Math.Abs(streamed.R2Score - want) <= 1e-12 * Math.Abs(want), $"{what} streamed: want {want:R}, got {streamed.R2Score:R}");
        }
    }

    [Fact]
    public void R2OfConstantTargetsAndOfShortInput()
    {
        Assert.Equal(1.0, Metric.R2Score<double>([2, 2, 2], [2, 2, 2]));
        Assert.Equal(0.0, Metric.R2Score<double>([2, 2, 3], [2, 2, 2]));
        Assert.True(double.IsNaN(Metric.R2Score<float>([1f], [2f])));
        Assert.True(double.IsNaN(Metric.MeanSquaredError<float>([], [])));
        Assert.True(double.IsNaN(new RegressionMetrics().R2Score));
    }

    /// <summary>A random split of [0, length) into 1–8 contiguous batches.</summary>
    private static List<(int Start, int Length)> Split(Random rng, int length)
    {
        int parts = rng.Next(1, 9);
        int[] cuts = Enumerable.Range(0, parts - 1).Select(_ => rng.Next(length + 1)).Append(0).Append(length).Order().ToArray();
        return Enumerable.Range(0, parts).Select(i => (cuts[i], cuts[i + 1] - cuts[i])).ToList();
    }

    private static void Relative(double want, double got, string what)
        => Assert.True(want == got || Math.Abs(got - want) <= 1e-12 * Math.Abs(want), $"{what}: want {want:R}, got {got:R}");

    [Fact]
    public void AnySplitIntoBatchesAndAccumulatorsGivesTheOneShotValue()
    {
        Random rng = new(5);
        int n = 10_007, classes = 7;
        double[] p = Enumerable.Range(0, n).Select(_ => 50 + rng.NextDouble() * 10).ToArray();
        double[] t = Enumerable.Range(0, n).Select(_ => 50 + rng.NextDouble() * 10).ToArray();
        float[] logits = Enumerable.Range(0, n * classes).Select(_ => (float)(rng.NextDouble() * 4)).ToArray();
        int[] labels = Enumerable.Range(0, n).Select(_ => rng.Next(classes)).ToArray();
        for (int trial = 0; trial < 40; trial++)
        {
            List<(int Start, int Length)> batches = Split(rng, n);
            int accumulators = rng.Next(1, 4);
            int[] owner = batches.Select(_ => rng.Next(accumulators)).ToArray();
            RegressionMetrics[] regression = Enumerable.Range(0, accumulators).Select(_ => new RegressionMetrics()).ToArray();
            ClassificationMetrics[] classification = Enumerable.Range(0, accumulators).Select(_ => new ClassificationMetrics(classes, k: 3)).ToArray();
            for (int b = 0; b < batches.Count; b++)
            {
                (int start, int length) = batches[b];
                regression[owner[b]].Add<double>(p.AsSpan(start, length), t.AsSpan(start, length));
                classification[owner[b]].Add<float>(logits.AsSpan(start * classes, length * classes), labels.AsSpan(start, length));
            }
            for (int a = 1; a < accumulators; a++)
            {
                regression[0].Merge(regression[a]);
                classification[0].Merge(classification[a]);
            }
            RegressionMetrics r = regression[0];
            ClassificationMetrics c = classification[0];
            string what = $"trial {trial}: {batches.Count} batches, {accumulators} accumulators";
            Assert.Equal(n, r.Count);
            Relative(Metric.MeanSquaredError<double>(p, t), r.MeanSquaredError, what + " MSE");
            Relative(Metric.RootMeanSquaredError<double>(p, t), r.RootMeanSquaredError, what + " RMSE");
            Relative(Metric.MeanAbsoluteError<double>(p, t), r.MeanAbsoluteError, what + " MAE");
            Relative(Metric.MeanAbsolutePercentageError<double>(p, t), r.MeanAbsolutePercentageError, what + " MAPE");
            Relative(Metric.R2Score<double>(p, t), r.R2Score, what + " R2");
            // Counts are exact: the figures are the one-shot ones to the bit.
            Assert.Equal(Metric.Accuracy<float>(logits, labels, classes), c.Accuracy);
            Assert.Equal(Metric.TopKAccuracy<float>(logits, labels, classes, 3), c.TopKAccuracy);
            foreach (Average average in Enum.GetValues<Average>())
            {
                Assert.Equal(Metric.Precision<float>(logits, labels, classes, average), c.Precision(average));
                Assert.Equal(Metric.Recall<float>(logits, labels, classes, average), c.Recall(average));
                Assert.Equal(Metric.F1Score<float>(logits, labels, classes, average), c.F1Score(average));
            }
            long[] want = new long[classes * classes], got = new long[classes * classes];
            Metric.ConfusionMatrix<float>(logits, labels, classes, want);
            c.ConfusionMatrix(got);
            Assert.Equal(want, got);
        }
    }

    [Fact]
    public void TheSameSplitGivesTheSameBits()
    {
        Random rng = new(3);
        float[] p = Enumerable.Range(0, 5000).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] t = Enumerable.Range(0, 5000).Select(_ => (float)rng.NextDouble()).ToArray();
        double[] Run()
        {
            RegressionMetrics a = new(), b = new();
            a.Add<float>(p.AsSpan(0, 1234), t.AsSpan(0, 1234));
            b.Add<float>(p.AsSpan(1234, 2000), t.AsSpan(1234, 2000));
            a.Add<float>(p.AsSpan(3234), t.AsSpan(3234));
            a.Merge(b);
            return [a.MeanSquaredError, a.MeanAbsoluteError, a.MeanAbsolutePercentageError, a.R2Score];
        }
        Check.SameBits<double>(Run(), Run(), "two runs of one split");
    }

    [Fact]
    public void EveryPathGivesTheSameBits()
    {
        Random rng = new(8);
        int n = 3 * 2048 + 77, classes = 5;
        double[] pd = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        double[] td = Enumerable.Range(0, n).Select(_ => (double)rng.Next(2)).ToArray();
        double[] rd = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 3 - 1).ToArray();
        float[] pf = pd.Select(v => (float)v).ToArray(), tf = td.Select(v => (float)v).ToArray(), rf = rd.Select(v => (float)v).ToArray();
        double[] Figures<T>(T[] p, T[] t, T[] r) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            int rows = n / classes;
            int[] labels = Enumerable.Range(0, rows).Select(i => i % classes).ToArray();
            return
            [
                Metric.MeanSquaredError<T>(r, p), Metric.RootMeanSquaredError<T>(r, p), Metric.MeanAbsoluteError<T>(r, p),
                Metric.MeanAbsolutePercentageError<T>(r, p), Metric.R2Score<T>(r, p),
                Metric.Accuracy<T>(p, t), Metric.Precision<T>(p, t), Metric.Recall<T>(p, t), Metric.F1Score<T>(p, t),
                Metric.LogLoss<T>(p, t), Metric.AreaUnderRocCurve<T>(r, t),
                Metric.Accuracy<T>(r.AsSpan(0, rows * classes), labels, classes), Metric.F1Score<T>(r.AsSpan(0, rows * classes), labels, classes),
            ];
        }
        double[]? floatFirst = null, doubleFirst = null;
        EveryPath.Run(path =>
        {
            double[] f = Figures(pf, tf, rf), d = Figures(pd, td, rd);
            floatFirst ??= f;
            doubleFirst ??= d;
            Check.SameBits<double>(floatFirst, f, $"float metrics on {path}");
            Check.SameBits<double>(doubleFirst, d, $"double metrics on {path}");
        });
    }

    [Fact]
    public void NothingAllocates()
    {
        EveryPath.Run(path =>
        {
            Measure<float>(path);
            Measure<double>(path);
        });
    }

    private static void Measure<T>(KernelPath path) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Random rng = new(1);
        int n = 5000, classes = 10;
        T[] p = Enumerable.Range(0, n).Select(_ => T.CreateTruncating(rng.NextDouble())).ToArray();
        T[] t = Enumerable.Range(0, n).Select(_ => T.CreateTruncating(rng.Next(2))).ToArray();
        int[] labels = Enumerable.Range(0, n / classes).Select(_ => rng.Next(classes)).ToArray();
        double[] scratch = new double[2 * n];
        long[] confusion = new long[classes * classes];
        RegressionMetrics r1 = new(), r2 = new();
        ClassificationMetrics c1 = new(classes, 2), c2 = new(classes, 2), b1 = new(2);
        double sink = 0;
        void Run()
        {
            sink += Metric.MeanSquaredError<T>(p, t) + Metric.RootMeanSquaredError<T>(p, t) + Metric.MeanAbsoluteError<T>(p, t)
                + Metric.MeanAbsolutePercentageError<T>(p, t) + Metric.R2Score<T>(p, t) + Metric.LogLoss<T>(p, t)
                + Metric.Accuracy<T>(p, t) + Metric.F1Score<T>(p, t) + Metric.AreaUnderRocCurve<T>(p, t, scratch)
                + Metric.Accuracy<T>(p, labels, classes) + Metric.TopKAccuracy<T>(p, labels, classes, 3)
                + Metric.Precision<T>(p, labels, classes, Average.Weighted) + Metric.LogLoss<T>(p, labels, classes);
            Metric.ConfusionMatrix<T>(p, labels, classes, confusion);
            r1.Add<T>(p, t);
            r2.Add<T>(t, p);
            r1.Merge(r2);
            c1.Add<T>(p, labels);
            c2.Add<T>(p, labels);
            c1.Merge(c2);
            b1.AddBinary<T>(p, t);
            sink += r1.R2Score + c1.F1Score() + b1.PrecisionOf(1);
            c1.ConfusionMatrix(confusion);
        }
        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.True(GC.GetAllocatedBytesForCurrentThread() == before, $"metrics on {typeof(T).Name}, {path}, allocated");
        Assert.False(double.IsNaN(sink));
    }

    [Fact]
    public void BadInputThrowsNamingTheParameterAndChangesNothing()
    {
        float[] p = [0.2f, 0.9f, 0.4f, 0.6f], t = [0, 1, 1, 0], shortT = [0, 1, 1];
        float[] logits = [1, 2, 3, 4, 5, 6];
        int[] labels = [0, 2], badLabels = [0, 3];
        void Throws<TException>(string parameter, Action call) where TException : ArgumentException
            => Assert.Equal(parameter, Assert.Throws<TException>(call).ParamName);

        Throws<ArgumentException>("targets", () => Metric.MeanSquaredError<float>(p, shortT));
        Throws<ArgumentException>("targets", () => Metric.R2Score<float>(p, shortT));
        Throws<ArgumentException>("targets", () => Metric.LogLoss<float>(p, shortT));
        Throws<ArgumentOutOfRangeException>("probabilities", () => Metric.LogLoss<float>([0.5f, 1.5f], [0, 1]));
        Throws<ArgumentOutOfRangeException>("probabilities", () => Metric.Precision<float>([-0.1f, 0.5f], [0, 1]));
        Throws<ArgumentOutOfRangeException>("targets", () => Metric.Accuracy<float>([0.1f, 0.5f], [0, 2]));
        Throws<ArgumentOutOfRangeException>("targets", () => Metric.AreaUnderRocCurve<float>([0.1f, 0.5f], [0, 0.5f]));
        Throws<ArgumentException>("scratch", () => Metric.AreaUnderRocCurve<float>(p, t, new double[7]));
        Throws<ArgumentOutOfRangeException>("threshold", () => Metric.Recall<float>(p, t, double.NaN));
        Throws<ArgumentOutOfRangeException>("labels", () => Metric.Accuracy<float>(logits, badLabels, 3));
        Throws<ArgumentOutOfRangeException>("labels", () => Metric.LogLoss<float>([0.5f, 0.5f, 0.1f, 0.9f], [0, -1], 2));
        Throws<ArgumentException>("labels", () => Metric.Accuracy<float>(logits, [0], 3));
        Throws<ArgumentException>("logits", () => Metric.Accuracy<float>(logits, labels, 4));
        Throws<ArgumentOutOfRangeException>("classes", () => Metric.F1Score<float>(logits, labels, 0));
        Throws<ArgumentOutOfRangeException>("k", () => Metric.TopKAccuracy<float>(logits, labels, 3, 0));
        Throws<ArgumentOutOfRangeException>("k", () => Metric.TopKAccuracy<float>(logits, labels, 3, 4));
        Throws<ArgumentOutOfRangeException>("average", () => Metric.Precision<float>(logits, labels, 3, (Average)7));
        Throws<ArgumentOutOfRangeException>("classes", () => new ClassificationMetrics(0));
        Throws<ArgumentOutOfRangeException>("k", () => new ClassificationMetrics(3, k: 4));
        Assert.Throws<NotSupportedException>(() => Metric.MeanAbsoluteError<Half>([(Half)1], [(Half)1]));

        // Nothing written or counted by a call that throws.
        long[] confusion = Enumerable.Repeat(-7L, 9).ToArray();
        Throws<ArgumentOutOfRangeException>("labels", () => Metric.ConfusionMatrix<float>(logits, badLabels, 3, confusion));
        Assert.All(confusion, v => Assert.Equal(-7L, v));
        Throws<ArgumentException>("destination", () => Metric.ConfusionMatrix<float>(logits, labels, 3, new long[8]));

        ClassificationMetrics c = new(3), other = new(4), binary = new(2);
        c.Add<float>(logits, labels);
        double before = c.Accuracy;
        Throws<ArgumentOutOfRangeException>("labels", () => c.Add<float>(logits, badLabels));
        Throws<ArgumentException>("labels", () => c.Add<float>(logits, [1]));
        Throws<ArgumentException>("other", () => c.Merge(other));
        Throws<ArgumentException>("other", () => c.Merge(c));
        Throws<ArgumentException>("other", () => c.Merge(new ClassificationMetrics(3, k: 2)));
        Assert.Equal(2, c.Count);
        Assert.Equal(before, c.Accuracy);
        Assert.Throws<InvalidOperationException>(() => c.AddBinary<float>(p, t));
        Throws<ArgumentOutOfRangeException>("targets", () => binary.AddBinary<float>(p, [0, 1, 2, 0]));
        Throws<ArgumentOutOfRangeException>("probabilities", () => binary.AddBinary<float>([0.1f, float.NaN], [0, 1]));
        Assert.Equal(0, binary.Count);

        RegressionMetrics r = new();
        r.Add<float>(p, t);
        double mse = r.MeanSquaredError;
        Throws<ArgumentException>("targets", () => r.Add<float>(p, shortT));
        Throws<ArgumentException>("other", () => r.Merge(r));
        Assert.Throws<ArgumentNullException>(() => r.Merge(null!));
        Assert.Equal(4, r.Count);
        Assert.Equal(mse, r.MeanSquaredError);
    }

    [Fact]
    public void ATargetOtherThanZeroOrOneIsFoundAnywhereInALongSpan()
    {
        float[] targets = new float[100];
        targets[3] = float.NaN; // passes (NaN propagates), and sends the scan to its element loop early
        targets[37] = 2;
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => Metric.Accuracy<float>(new float[100], targets));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("targets[37]", e.Message, StringComparison.Ordinal);
        targets[37] = 1;
        targets[99] = -1;
        Assert.Contains("targets[99]", Assert.Throws<ArgumentOutOfRangeException>(() => Metric.LogLoss<double>(new double[100], targets.Select(v => (double)v).ToArray())).Message, StringComparison.Ordinal);
        targets[99] = 0;
        Assert.True(double.IsNaN(Metric.Accuracy<float>(new float[100], targets)));
    }

    [Fact]
    public void NaNPropagatesIntoTheFigures()
    {
        Assert.True(double.IsNaN(Metric.MeanSquaredError<float>([1, float.NaN], [1, 2])));
        Assert.True(double.IsNaN(Metric.Precision<float>([0.9f, float.NaN], [1, 0])));
        Assert.True(double.IsNaN(Metric.LogLoss<double>([0.9, double.NaN], [1, 0])));
        Assert.True(double.IsNaN(Metric.AreaUnderRocCurve<float>([0.9f, float.NaN], [1, 0])));
        // numpy's argmax: a row's first NaN is its prediction.
        Assert.Equal(1.0, Metric.Accuracy<float>([0, float.NaN, 5], [1], 3));
    }

    [Fact]
    public void RowPredictionsAreTheFirstMaximalLogitOnLongRowsToo()
    {
        // Rows long enough for the vectorized search, with ties and the maximum in the ragged last vector.
        int classes = 37;
        float[] logits = new float[3 * classes];
        logits[5] = 2; logits[20] = 2;                 // row 0: a tie, the first wins
        logits[classes + 36] = 1;                      // row 1: the last element
        logits[2 * classes + 3] = -0f;                 // row 2: all zeros (signs mixed): class 0
        logits[2 * classes + 0] = -0f;
        long[] confusion = new long[classes * classes];
        Metric.ConfusionMatrix<float>(logits, [5, 36, 0], classes, confusion);
        Assert.Equal(1, confusion[5 * classes + 5]);
        Assert.Equal(1, confusion[36 * classes + 36]);
        Assert.Equal(1, confusion[0]);
        Assert.Equal(1.0, Metric.TopKAccuracy<float>(logits, [20, 36, 1], classes, 2));
        Assert.Equal(1.0 / 3, Metric.TopKAccuracy<float>(logits, [20, 36, 1], classes, 1));
    }

    [Fact]
    public void FloatLabelsForTheClassLabelOverloadGetAMessageThatSaysLabelsAreInt()
    {
        float[] logits = new float[20];
        float[] labelsAsFloats = [1, 3];
        ArgumentException e = Assert.Throws<ArgumentException>(() => Loss.CrossEntropy<float>(logits, labelsAsFloats, 10));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("int", e.Message, StringComparison.Ordinal);
        Assert.Contains("one value per row", e.Message, StringComparison.Ordinal);
    }
}
