using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// <see cref="Shard"/> and <see cref="LossPartial"/>: every loss split into 1 to 8 shards (at random places, some
/// empty) merges into the value of one call over the batch (to 1e-12 relative in double, 1e-5 in float, of the
/// mean magnitude of the terms), and each shard writes exactly the one call's gradient, on every path.
/// </summary>
[Collection(nameof(KernelPathCollection))]
public class ShardTests
{
    public static TheoryData<string> ElementwiseLosses => [.. PointwiseLoss.All.Select(l => l.Name)];

    /// <summary>Cut points (0 = c₀ ≤ c₁ ≤ … ≤ c_k = units) of 1 to 8 shards: an even split and two random ones each (random ones may have empty shards).</summary>
    internal static IEnumerable<int[]> Splits(int units, int seed)
    {
        Random rng = new(seed);
        for (int k = 1; k <= 8; k++)
        {
            yield return [.. Enumerable.Range(0, k + 1).Select(i => (int)((long)units * i / k))];
            for (int r = 0; r < 2; r++)
            {
                int[] cuts = [0, .. Enumerable.Range(0, k - 1).Select(_ => rng.Next(units + 1)).Order(), units];
                yield return cuts;
            }
        }
    }

    private static double Tolerance<T>() => typeof(T) == typeof(float) ? 1e-5 : 1e-12;

    [Theory]
    [MemberData(nameof(ElementwiseLosses))]
    public void ElementwiseShardsMergeIntoTheOneCall(string name)
    {
        PointwiseLoss loss = PointwiseLoss.All.Single(l => l.Name == name);
        EveryPath.Run(path =>
        {
            foreach (int n in new[] { 1, 37, 1000, 4099 })
            {
                Elementwise<float>(loss, n, path);
                Elementwise<double>(loss, n, path);
            }
        });
    }

    private static void Elementwise<T>(PointwiseLoss loss, int n, KernelPath path) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        (T[] x, T[] y) = PointwiseTests<T>.Inputs(loss, n, seed: n + 7);
        T[] terms = new T[n];
        loss.PerElement<T>(x, y, terms);
        double magnitude = terms.Sum(t => Math.Abs(Check.D(t))) / n;
        T[] meanGradient = new T[n], sumGradient = new T[n];
        T mean = loss.Fused<T>(x, y, meanGradient, Reduction.Mean);
        T sum = loss.Fused<T>(x, y, sumGradient, Reduction.Sum);
        foreach (int[] cuts in Splits(n, seed: n))
        {
            string where = $"{loss.Name} {typeof(T).Name} n={n} shards [{string.Join(",", cuts)}] on {path}";
            T[] shardMean = new T[n], shardSum = new T[n];
            LossPartial[] partials = new LossPartial[cuts.Length - 1];
            LossPartial values = LossPartial.Empty;
            for (int s = 0; s < partials.Length; s++)
            {
                Range r = cuts[s]..cuts[s + 1];
                partials[s] = loss.Partial<T>(x.AsSpan(r), y.AsSpan(r), n, shardMean.AsSpan(r));
                LossPartial ofSum = loss.Partial<T>(x.AsSpan(r), y.AsSpan(r), 1, shardSum.AsSpan(r));
                LossPartial value = loss.PartialValue<T>(x.AsSpan(r), y.AsSpan(r));
                Assert.True(partials[s] == value && ofSum == value, $"{where}: shard {s}: fused {partials[s]}, of the sum {ofSum}, value only {value}");
                Assert.Equal(cuts[s + 1] - cuts[s], value.Weight);
                values += value;
            }
            LossPartial batch = LossPartial.Merge(partials);
            Assert.Equal(n, batch.Weight);
            Assert.Equal(0, batch.WeightResidual);
            Check.Close(Check.D(mean), batch.Mean, Tolerance<T>() * magnitude, $"{where}: merged mean");
            Check.Close(Check.D(sum), batch.Sum, Tolerance<T>() * magnitude * n, $"{where}: merged sum");
            Check.Close(Check.D(mean), Check.D(batch.Value<T>()), Tolerance<T>() * magnitude, $"{where}: merged Value<T>()");
            Check.Close(batch.Mean, values.Mean, Tolerance<T>() * magnitude, $"{where}: value-only partials");
            Check.Close(batch.Mean, MergedBackwards(partials).Mean, Tolerance<T>() * magnitude, $"{where}: merged backwards");
            Check.SameBits<T>(meanGradient, shardMean, $"{where}: gradient of the mean");
            Check.SameBits<T>(sumGradient, shardSum, $"{where}: gradient of the sum");
        }
    }

    [Fact]
    public void WeightedBinaryShardsMergeIntoTheOneCall()
    {
        EveryPath.Run(path =>
        {
            Weighted<float>(path);
            Weighted<double>(path);
        });
    }

    private static void Weighted<T>(KernelPath path) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        const int n = 3001;
        Random rng = new(9);
        T[] p = Check.Convert<T>([.. Enumerable.Range(0, n).Select(_ => rng.NextDouble())]);
        T[] logits = Check.Convert<T>([.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 12 - 6)]);
        T[] t = Check.Convert<T>([.. Enumerable.Range(0, n).Select(_ => (double)rng.Next(2))]);
        T[] w = Check.Convert<T>([.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 3)]);
        T pw = T.CreateTruncating(2.5);
        T[] bceGradient = new T[n], logitGradient = new T[n];
        double bce = Check.D(Loss.BinaryCrossEntropy<T>(p, t, bceGradient, Reduction.Mean, w));
        double withLogits = Check.D(Loss.BinaryCrossEntropyWithLogits<T>(logits, t, logitGradient, Reduction.Mean, w, pw));
        foreach (int[] cuts in Splits(n, seed: 4))
        {
            string where = $"weighted BCE {typeof(T).Name} shards [{string.Join(",", cuts)}] on {path}";
            T[] g1 = new T[n], g2 = new T[n];
            LossPartial a = LossPartial.Empty, b = LossPartial.Empty;
            for (int s = 0; s + 1 < cuts.Length; s++)
            {
                Range r = cuts[s]..cuts[s + 1];
                a += Shard.BinaryCrossEntropy<T>(p.AsSpan(r), t.AsSpan(r), n, g1.AsSpan(r), w.AsSpan(r));
                b += Shard.BinaryCrossEntropyWithLogits<T>(logits.AsSpan(r), t.AsSpan(r), n, g2.AsSpan(r), w.AsSpan(r), pw);
            }
            Check.Close(bce, a.Mean, Tolerance<T>() * bce, where);
            Check.Close(withLogits, b.Mean, Tolerance<T>() * withLogits, where + " with logits");
            Check.SameBits<T>(bceGradient, g1, where + ": gradient");
            Check.SameBits<T>(logitGradient, g2, where + ": gradient with logits");
        }
    }

    private static LossPartial MergedBackwards(LossPartial[] partials)
    {
        LossPartial total = LossPartial.Empty;
        for (int s = partials.Length - 1; s >= 0; s--)
        {
            total = partials[s].Merge(total);
        }
        return total;
    }

    /// <summary>A row loss: its one call over all rows, its partial over a range of rows, and the weight of a range of rows.</summary>
    private sealed record RowCase<T>(
        string Name,
        int Rows,
        int Classes,
        Func<T[], Reduction, T> Whole,
        Func<Range, T[], double, LossPartial> Partial,
        Func<Range, LossPartial> PartialValue,
        Func<Range, LossPartial> Weight,
        Func<T[], T> Magnitude)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    private static IEnumerable<RowCase<T>> RowCases<T>(int rows, int classes, int seed) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Random rng = new(seed);
        T[] logits = Check.Convert<T>([.. Enumerable.Range(0, rows * classes).Select(_ => rng.NextDouble() * 12 - 6)]);
        int[] labels = [.. Enumerable.Range(0, rows).Select(_ => rng.Next(classes))];
        int[] someIgnored = [.. labels.Select(l => rng.Next(5) == 0 ? -100 : l)];
        // Weights with every bit of their mantissas: their sums round differently in other orders (the merged weight must not).
        T[] classWeights = Check.Convert<T>([.. Enumerable.Range(0, classes).Select(_ => 0.1 + rng.NextDouble() * 3)]);
        double[] soft = new double[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            double total = 0;
            for (int c = 0; c < classes; c++)
            {
                total += soft[r * classes + c] = rng.NextDouble();
            }
            for (int c = 0; c < classes; c++)
            {
                soft[r * classes + c] /= total;
            }
        }
        T[] targets = Check.Convert<T>(soft);
        T[] logProbabilities = new T[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            double max = logits.Skip(r * classes).Take(classes).Max(v => Check.D(v));
            double lse = max + Math.Log(logits.Skip(r * classes).Take(classes).Sum(v => Math.Exp(Check.D(v) - max)));
            for (int c = 0; c < classes; c++)
            {
                logProbabilities[r * classes + c] = T.CreateTruncating(Check.D(logits[r * classes + c]) - lse);
            }
        }
        Range E(Range rowRange) => (rowRange.Start.Value * classes)..(rowRange.End.Value * classes);
        T Magnitude(T[] perRow) => T.CreateTruncating(perRow.Sum(v => Math.Abs(Check.D(v))) / rows);
        LossPartial RowCount(Range r) => new(0, r.End.Value - r.Start.Value);

        foreach ((string name, int[] ls, T[] w, double eps) in new (string, int[], T[], double)[]
        {
            ("CrossEntropy", labels, [], 0), ("CrossEntropy(ignored rows, class weights)", someIgnored, classWeights, 0),
            ("CrossEntropy(class weights, smoothing 0.1)", labels, classWeights, 0.1), ("CrossEntropy(ignored rows, smoothing 0.2)", someIgnored, [], 0.2),
        })
        {
            yield return new(name, rows, classes,
                (g, red) => Loss.CrossEntropy<T>(logits, ls, classes, g, red, w, labelSmoothing: eps),
                (r, g, bw) => Shard.CrossEntropy<T>(logits.AsSpan(E(r)), ls.AsSpan(r), classes, bw, g.AsSpan(E(r)), w, labelSmoothing: eps),
                r => Shard.CrossEntropy<T>(logits.AsSpan(E(r)), ls.AsSpan(r), classes, w, labelSmoothing: eps),
                r => Shard.LabelWeight<T>(ls.AsSpan(r), classes, w),
                _ =>
                {
                    T[] perRow = new T[rows];
                    Loss.CrossEntropyPerRow<T>(logits, ls, classes, perRow, w, labelSmoothing: eps);
                    return Magnitude(perRow);
                });
        }
        yield return new("CrossEntropy(soft targets, smoothing 0.1)", rows, classes,
            (g, red) => Loss.CrossEntropy<T>(logits, targets, classes, g, red, 0.1),
            (r, g, bw) => Shard.CrossEntropy<T>(logits.AsSpan(E(r)), targets.AsSpan(E(r)), classes, bw, g.AsSpan(E(r)), 0.1),
            r => Shard.CrossEntropy<T>(logits.AsSpan(E(r)), targets.AsSpan(E(r)), classes, 0.1),
            RowCount,
            _ =>
            {
                T[] perRow = new T[rows];
                Loss.CrossEntropyPerRow<T>(logits, targets, classes, perRow, 0.1);
                return Magnitude(perRow);
            });
        foreach ((string name, int[] ls, T[] w) in new (string, int[], T[])[] { ("NegativeLogLikelihood", labels, []), ("NegativeLogLikelihood(ignored rows, class weights)", someIgnored, classWeights) })
        {
            yield return new(name, rows, classes,
                (g, red) => Loss.NegativeLogLikelihood<T>(logProbabilities, ls, classes, g, red, w),
                (r, g, bw) => Shard.NegativeLogLikelihood<T>(logProbabilities.AsSpan(E(r)), ls.AsSpan(r), classes, bw, g.AsSpan(E(r)), w),
                r => Shard.NegativeLogLikelihood<T>(logProbabilities.AsSpan(E(r)), ls.AsSpan(r), classes, w),
                r => Shard.LabelWeight<T>(ls.AsSpan(r), classes, w),
                _ =>
                {
                    T[] perRow = new T[rows];
                    Loss.NegativeLogLikelihoodPerRow<T>(logProbabilities, ls, classes, perRow, w);
                    return Magnitude(perRow);
                });
        }
        foreach (bool logTarget in new[] { false, true })
        {
            T[] t = logTarget ? logProbabilities : targets;
            T[] x = logTarget ? Check.Convert<T>([.. soft.Select(v => Math.Log(v))]) : logProbabilities;
            yield return new($"KullbackLeiblerDivergence(logTarget={logTarget})", rows, classes,
                (g, red) => Loss.KullbackLeiblerDivergence<T>(x, t, classes, g, red, logTarget),
                (r, g, bw) => Shard.KullbackLeiblerDivergence<T>(x.AsSpan(E(r)), t.AsSpan(E(r)), classes, bw, g.AsSpan(E(r)), logTarget),
                r => Shard.KullbackLeiblerDivergence<T>(x.AsSpan(E(r)), t.AsSpan(E(r)), classes, logTarget),
                RowCount,
                _ =>
                {
                    T[] terms = new T[rows * classes];
                    Loss.KullbackLeiblerDivergencePerElement<T>(x, t, terms, logTarget);
                    return T.CreateTruncating(terms.Sum(v => Math.Abs(Check.D(v))) / rows);
                });
        }
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(97, 10)]
    [InlineData(300, 3)]
    [InlineData(64, 1000)]
    public void RowShardsMergeIntoTheOneCall(int rows, int classes)
    {
        EveryPath.Run(path =>
        {
            RowShards<float>(rows, classes, path);
            RowShards<double>(rows, classes, path);
        });
    }

    private static void RowShards<T>(int rows, int classes, KernelPath path) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        foreach (RowCase<T> c in RowCases<T>(rows, classes, seed: rows * 31 + classes))
        {
            int n = rows * classes;
            T[] meanGradient = new T[n], sumGradient = new T[n];
            T mean = c.Whole(meanGradient, Reduction.Mean), sum = c.Whole(sumGradient, Reduction.Sum);
            double magnitude = Check.D(c.Magnitude([]));
            foreach (int[] cuts in Splits(rows, seed: rows + classes))
            {
                string where = $"{c.Name} {typeof(T).Name} {rows}x{classes} shards [{string.Join(",", cuts)}] on {path}";
                Range[] ranges = [.. Enumerable.Range(0, cuts.Length - 1).Select(s => cuts[s]..cuts[s + 1])];
                // The weight first (for labels, a pass over them alone), then each shard's fused pass with it.
                LossPartial weight = LossPartial.Merge([.. ranges.Select(r => c.Weight(r))]);
                T[] shardMean = new T[n], shardSum = new T[n];
                LossPartial[] partials = new LossPartial[ranges.Length];
                for (int s = 0; s < ranges.Length; s++)
                {
                    partials[s] = c.Partial(ranges[s], shardMean, weight.Weight);
                    LossPartial ofSum = c.Partial(ranges[s], shardSum, 1);
                    LossPartial value = c.PartialValue(ranges[s]);
                    Assert.True(partials[s] == value && ofSum == value, $"{where}: shard {s}: fused {partials[s]}, of the sum {ofSum}, value only {value}");
                    Assert.True(c.Weight(ranges[s]).Weight == value.Weight, $"{where}: shard {s}: weight {value.Weight:R}, LabelWeight {c.Weight(ranges[s]).Weight:R}");
                }
                LossPartial batch = LossPartial.Merge(partials);
                Assert.True(batch.Weight == weight.Weight && MergedBackwards(partials).Weight == weight.Weight,
                    $"{where}: merged weight {batch.Weight:R}, backwards {MergedBackwards(partials).Weight:R}, of the labels {weight.Weight:R}");
                Check.Close(Check.D(mean), batch.Mean, Tolerance<T>() * magnitude, $"{where}: merged mean");
                Check.Close(Check.D(sum), batch.Sum, Tolerance<T>() * magnitude * rows, $"{where}: merged sum");
                Check.SameBits<T>(meanGradient, shardMean, $"{where}: gradient of the mean");
                Check.SameBits<T>(sumGradient, shardSum, $"{where}: gradient of the sum");
            }
        }
    }

    [Fact]
    public void MergedClassWeightsAreTheOneCallsDenominatorInEveryOrder()
    {
        // 5000 rows of weights with full mantissas: a plain double sum of them differs with the order in most splits.
        Random rng = new(5);
        int rows = 5000, classes = 7;
        double[] classWeights = [.. Enumerable.Range(0, classes).Select(_ => 0.01 + rng.NextDouble() * 100)];
        int[] labels = [.. Enumerable.Range(0, rows).Select(_ => rng.Next(classes))];
        double whole = Shard.LabelWeight<double>(labels, classes, classWeights).Weight;
        int plainDiffers = 0;
        foreach (int[] cuts in Splits(rows, seed: 11))
        {
            LossPartial[] parts = [.. Enumerable.Range(0, cuts.Length - 1).Select(s => Shard.LabelWeight<double>(labels.AsSpan(cuts[s]..cuts[s + 1]), classes, classWeights))];
            Assert.Equal(whole, LossPartial.Merge(parts).Weight);
            Assert.Equal(whole, MergedBackwards(parts).Weight);
            // What plain double sums would give: each shard's in row order, then the shards'.
            double plain = 0;
            for (int s = 0; s < cuts.Length - 1; s++)
            {
                double shard = 0;
                foreach (int l in labels.AsSpan(cuts[s]..cuts[s + 1]))
                {
                    shard += classWeights[l];
                }
                plain += shard;
            }
            plainDiffers += plain == whole ? 0 : 1;
        }
        // The data would catch plain sums: they miss the one call's weight in some splits.
        Assert.True(plainDiffers > 0, "plain sums matched in every split: the weights do not test the compensation");
        // And the one call divides by that weight: at zero logits the gradient at a row's label is w_y·(1/C − 1)/W.
        double[] logits = new double[rows * classes], gradient = new double[rows * classes];
        Loss.CrossEntropy<double>(logits, labels, classes, gradient, Reduction.Mean, classWeights);
        Check.Close(classWeights[labels[0]] * (1.0 / classes - 1) / whole, gradient[labels[0]], 1e-15 * Math.Abs(gradient[labels[0]]), "gradient at the label");
    }

    [Fact]
    public void RootMeanSquaredErrorInTwoSteps()
    {
        EveryPath.Run(path =>
        {
            RootMeanSquared<float>(path);
            RootMeanSquared<double>(path);
        });
    }

    private static void RootMeanSquared<T>(KernelPath path) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        foreach (int n in new[] { 1, 37, 1000, 4099 })
        {
            Random rng = new(n);
            T[] p = Check.Convert<T>([.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 10 - 5)]);
            T[] t = Check.Convert<T>([.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 10 - 5)]);
            T[] expected = new T[n];
            T rmse = Loss.RootMeanSquaredError<T>(p, t, expected);
            foreach (int[] cuts in Splits(n, seed: n + 3))
            {
                string where = $"RMSE {typeof(T).Name} n={n} shards [{string.Join(",", cuts)}] on {path}";
                Range[] ranges = [.. Enumerable.Range(0, cuts.Length - 1).Select(s => cuts[s]..cuts[s + 1])];
                // Step 1: each shard's squared errors, merged.
                LossPartial batch = LossPartial.Merge([.. ranges.Select(r => Shard.RootMeanSquaredError<T>(p.AsSpan(r), t.AsSpan(r)))]);
                Assert.Equal(n, batch.Weight);
                // Step 2: each shard's gradient with the merged partial.
                T[] actual = new T[n];
                T value = default;
                foreach (Range r in ranges)
                {
                    value = Shard.RootMeanSquaredErrorGradient<T>(p.AsSpan(r), t.AsSpan(r), batch, actual.AsSpan(r));
                }
                Check.Close(Check.D(rmse), Check.D(value), Tolerance<T>() * Check.D(rmse), $"{where}: RMSE");
                if (ranges.Length == 1)
                {
                    Check.SameBits(rmse, value, $"{where}: RMSE of one shard");
                    Check.SameBits<T>(expected, actual, $"{where}: gradient of one shard");
                }
                else
                {
                    // The merged RMSE differs from the one call's by rounding only, and so does each gradient.
                    Check.Elements<T>(Check.Widen<T>(expected), actual, where + ": gradient");
                }
            }
        }
    }

    [Fact]
    public void PartialsRoundTripThroughTheirNumbersAndMergeWithEmpty()
    {
        Random rng = new(3);
        double[] classWeights = [.. Enumerable.Range(0, 5).Select(_ => rng.NextDouble())];
        int[] labels = [.. Enumerable.Range(0, 999).Select(_ => rng.Next(5))];
        LossPartial a = Shard.LabelWeight<double>(labels.AsSpan(0, 500), 5, classWeights) + new LossPartial(1.25, 0);
        LossPartial b = Shard.LabelWeight<double>(labels.AsSpan(500), 5, classWeights);
        LossPartial sent = new(a.Sum, a.Weight, a.WeightResidual);
        Assert.Equal(a, sent);
        Assert.Equal(a, a + LossPartial.Empty);
        Assert.Equal(a, LossPartial.Empty + a);
        Assert.Equal((a + b).Weight, (b + a).Weight);
        Assert.Equal(Shard.LabelWeight<double>(labels, 5, classWeights).Weight, (sent + b).Weight);
        Assert.Equal(1.25, (a + b).Sum);
        Assert.Equal(2.5 / 4, new LossPartial(2.5, 4).Mean);
        Assert.Equal(2.5f, new LossPartial(2.5, 4).Value<float>(Reduction.Sum));
        Assert.True(double.IsNaN(LossPartial.Empty.Mean));
        Assert.Equal("LossPartial(sum 2.5, weight 4)", new LossPartial(2.5, 4).ToString());
        Assert.NotEqual(new LossPartial(2.5, 4), new LossPartial(2.5, 5));
        Assert.True(new LossPartial(2.5, 4) != new LossPartial(2, 4));
    }

    [Fact]
    public void BadInputThrowsNamingTheParameterBeforeAnyWrite()
    {
        float[] x = [0.5f, 0.25f, 2f], y = [1f, 0f, 1f], gradient = [7f, 7f, 7f];
        foreach (double bad in new[] { 0, -1, double.NaN, double.PositiveInfinity })
        {
            Throws<ArgumentOutOfRangeException>("batchWeight", () => Shard.MeanSquaredError<float>(x, y, bad, gradient));
            Throws<ArgumentOutOfRangeException>("batchWeight", () => Shard.CrossEntropy<float>(x, [0], 3, bad, gradient));
            Throws<ArgumentOutOfRangeException>("batchWeight", () => Shard.KullbackLeiblerDivergence<float>(x, y, 3, bad, gradient));
        }
        Throws<ArgumentOutOfRangeException>("probabilities", () => Shard.BinaryCrossEntropy<float>(x, y, 3, gradient));
        Throws<ArgumentOutOfRangeException>("probabilities", () => Shard.BinaryCrossEntropy<float>(x, y));
        Throws<ArgumentException>("targets", () => Shard.MeanSquaredError<float>(x, y.AsSpan(1), 3, gradient));
        Throws<ArgumentException>("gradient", () => Shard.Huber<float>(x, y, 3, gradient.AsSpan(1), 1f));
        Throws<ArgumentOutOfRangeException>("delta", () => Shard.Huber<float>(x, y, 3, gradient, 0f));
        Throws<ArgumentOutOfRangeException>("labels", () => Shard.CrossEntropy<float>(x, [3], 3, 1, gradient));
        Throws<ArgumentOutOfRangeException>("labels", () => Shard.LabelWeight<float>([3], 3));
        Throws<ArgumentOutOfRangeException>("classes", () => Shard.LabelWeight<float>([0], 0));
        Throws<ArgumentException>("classWeights", () => Shard.LabelWeight<float>([0], 3, [1f]));
        Throws<ArgumentOutOfRangeException>("batch", () => Shard.RootMeanSquaredErrorGradient<float>(x, y, LossPartial.Empty, gradient));
        Throws<ArgumentOutOfRangeException>("batch", () => Shard.RootMeanSquaredErrorGradient<float>(x, y, new LossPartial(-1, 3), gradient));
        Throws<ArgumentOutOfRangeException>("weight", () => new LossPartial(1, -1));
        Throws<ArgumentOutOfRangeException>("weight", () => new LossPartial(1, double.NaN));
        Throws<ArgumentOutOfRangeException>("weightResidual", () => new LossPartial(1, 1, 2));
        Throws<ArgumentOutOfRangeException>("reduction", () => new LossPartial(1, 1).Value<float>((Reduction)7));
        Assert.All(gradient, g => Assert.Equal(7f, g));

        void Throws<TException>(string parameter, Action call) where TException : ArgumentException
            => Assert.Equal(parameter, Assert.Throws<TException>(call).ParamName);
    }

    [Fact]
    public void ShardsAllocateNothing()
    {
        double[] x = new double[4096], y = new double[4096], g = new double[4096];
        int[] labels = new int[409];
        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void Run()
        {
            LossPartial p = Shard.MeanSquaredError<double>(x, y, 8192, g) + Shard.SigmoidFocal<double>(x, y, 8192, g);
            p += Shard.CrossEntropy<double>(x.AsSpan(0, 4090), labels, 10, 818, g.AsSpan(0, 4090)) + Shard.LabelWeight<double>(labels, 10);
            p += Shard.RootMeanSquaredError<double>(x, y);
            Shard.RootMeanSquaredErrorGradient<double>(x, y, new LossPartial(1, 4096), g);
            Assert.True(p.Weight > 0);
        }
    }
}
