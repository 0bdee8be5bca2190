using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Numerics;
using System.Text.Json;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// The 531 metric cases computed by scikit-learn (../shared/golden/FORMAT.md, "Metric cases from scikit-learn"), for
/// float and double, one-shot and through the streaming accumulators fed in three batches: within 1e-12·max(1, |want|)
/// for double and 2e-6·max(1, |want|) for float; counts and accuracies exactly.
/// </summary>
public class GoldenMetricTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() => GoldenFile.Load("sklearn-metrics.jsonl.gz"));

    public static TheoryData<string> Ids => new(Cases.Value.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void TheFileHoldsAllCasesOfEighteenMetrics()
    {
        Assert.Equal(531, Cases.Value.Count);
        Assert.Equal(18, Cases.Value.Values.Select(c => c.GetProperty("metric").GetString()).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SinglePrecision(string id) => Verify<float>(Cases.Value[id], 2e-6);

    [Theory]
    [MemberData(nameof(Ids))]
    public void DoublePrecision(string id) => Verify<double>(Cases.Value[id], 1e-12);

    private static T[] Array<T>(JsonElement e) where T : IBinaryFloatingPointIeee754<T>
        => e.EnumerateArray().Select(x => T.CreateTruncating(x.GetDouble())).ToArray();

    private static void Near(double want, double got, double tolerance, string what)
    {
        if (double.IsNaN(want))
        {
            Assert.True(double.IsNaN(got), $"{what}: want NaN, got {got:R}");
            return;
        }
        Assert.True(Math.Abs(got - want) <= tolerance * Math.Max(1, Math.Abs(want)), $"{what}: want {want:R}, got {got:R}");
    }

    /// <summary>Three batches of a span: empty, a first part, the rest (or fewer parts for short inputs).</summary>
    private static IEnumerable<(int Start, int Length)> Batches(int length)
    {
        int first = length / 3;
        yield return (0, 0);
        yield return (0, first);
        yield return (first, length - first);
    }

    private static void Verify<T>(JsonElement c, double tolerance) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        string metric = c.GetProperty("metric").GetString()!;
        JsonElement p = c.GetProperty("params");
        T[] x = Array<T>(c.GetProperty("input"));
        JsonElement value = c.GetProperty("value");
        double want = value.ValueKind == JsonValueKind.Null ? double.NaN : value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.NaN;
        if (typeof(T) == typeof(float) && c.TryGetProperty("value_float", out JsonElement wantFloat))
        {
            want = wantFloat.ValueKind == JsonValueKind.Null ? double.NaN : wantFloat.GetDouble();
        }
        int classes = c.TryGetProperty("shape", out JsonElement shape) ? shape[1].GetInt32() : 0;
        int[] labels = classes > 0 ? c.GetProperty("target").EnumerateArray().Select(v => v.GetInt32()).ToArray() : [];
        T[] t = classes > 0 ? [] : Array<T>(c.GetProperty("target"));
        double threshold = p.TryGetProperty("threshold", out JsonElement th) ? th.GetDouble() : 0.5;
        Average average = p.TryGetProperty("average", out JsonElement av)
            ? av.GetString() switch { "macro" => Average.Macro, "micro" => Average.Micro, "weighted" => Average.Weighted, var s => throw new InvalidDataException(s) }
            : Average.Macro;
        int k = p.TryGetProperty("k", out JsonElement kv) ? kv.GetInt32() : 1;
        bool exact = metric is "binary_accuracy" or "accuracy" or "top_k_accuracy";
        double tol = exact ? 0 : tolerance;

        // Streaming: the regression metrics and the logit metrics through accumulators, batches merged across two.
        RegressionMetrics regression = new(), regressionOther = new();
        ClassificationMetrics? classification = classes > 0 ? new(classes, k) : null;
        ClassificationMetrics? classificationOther = classes > 0 ? new(classes, k) : null;
        if (classes == 0)
        {
            foreach ((int start, int length) in Batches(x.Length))
            {
                (start == 0 ? regression : regressionOther).Add<T>(x.AsSpan(start, length), t.AsSpan(start, length));
            }
            regression.Merge(regressionOther);
        }
        else
        {
            int rows = labels.Length;
            foreach ((int start, int length) in Batches(rows))
            {
                (start == 0 ? classification! : classificationOther!).Add<T>(x.AsSpan(start * classes, length * classes), labels.AsSpan(start, length));
            }
            classification!.Merge(classificationOther!);
        }

        switch (metric)
        {
            case "mse":
                Near(want, Metric.MeanSquaredError<T>(x, t), tol, metric);
                Near(want, regression.MeanSquaredError, tol, "streaming " + metric);
                break;
            case "rmse":
                Near(want, Metric.RootMeanSquaredError<T>(x, t), tol, metric);
                Near(want, regression.RootMeanSquaredError, tol, "streaming " + metric);
                break;
            case "mae":
                Near(want, Metric.MeanAbsoluteError<T>(x, t), tol, metric);
                Near(want, regression.MeanAbsoluteError, tol, "streaming " + metric);
                break;
            case "mape":
                Near(want, Metric.MeanAbsolutePercentageError<T>(x, t), tol, metric);
                Near(want, regression.MeanAbsolutePercentageError, tol, "streaming " + metric);
                break;
            case "r2":
                Near(want, Metric.R2Score<T>(x, t), tol, metric);
                Near(want, regression.R2Score, tol, "streaming " + metric);
                break;
            case "binary_accuracy":
                Near(want, Metric.Accuracy<T>(x, t, threshold), tol, metric);
                Near(want, Binary(x, t, threshold).Accuracy, tol, "streaming " + metric);
                break;
            case "binary_precision":
                Near(want, Metric.Precision<T>(x, t, threshold), tol, metric);
                Near(want, Binary(x, t, threshold).PrecisionOf(1), tol, "streaming " + metric);
                break;
            case "binary_recall":
                Near(want, Metric.Recall<T>(x, t, threshold), tol, metric);
                Near(want, Binary(x, t, threshold).RecallOf(1), tol, "streaming " + metric);
                break;
            case "binary_f1":
                Near(want, Metric.F1Score<T>(x, t, threshold), tol, metric);
                Near(want, Binary(x, t, threshold).F1ScoreOf(1), tol, "streaming " + metric);
                break;
            case "binary_log_loss":
                Near(want, Metric.LogLoss<T>(x, t), tol, metric);
                break;
            case "auroc":
                Near(want, Metric.AreaUnderRocCurve<T>(x, t), tol, metric);
                double[] scratch = new double[2 * x.Length + 3];
                Near(want, Metric.AreaUnderRocCurve<T>(x, t, scratch), tol, metric + " with scratch");
                break;
            case "accuracy":
                Near(want, Metric.Accuracy<T>(x, labels, classes), tol, metric);
                Near(want, classification!.Accuracy, tol, "streaming " + metric);
                break;
            case "top_k_accuracy":
                Near(want, Metric.TopKAccuracy<T>(x, labels, classes, k), tol, metric);
                Near(want, classification!.TopKAccuracy, tol, "streaming " + metric);
                break;
            case "precision":
                Near(want, Metric.Precision<T>(x, labels, classes, average), tol, metric);
                Near(want, classification!.Precision(average), tol, "streaming " + metric);
                break;
            case "recall":
                Near(want, Metric.Recall<T>(x, labels, classes, average), tol, metric);
                Near(want, classification!.Recall(average), tol, "streaming " + metric);
                break;
            case "f1":
                Near(want, Metric.F1Score<T>(x, labels, classes, average), tol, metric);
                Near(want, classification!.F1Score(average), tol, "streaming " + metric);
                break;
            case "confusion_matrix":
                long[] expected = value.EnumerateArray().Select(v => v.GetInt64()).ToArray();
                long[] got = new long[classes * classes];
                System.Array.Fill(got, -7L);
                Metric.ConfusionMatrix<T>(x, labels, classes, got);
                Assert.Equal(expected, got);
                long[] streamed = new long[classes * classes];
                classification!.ConfusionMatrix(streamed);
                Assert.Equal(expected, streamed);
                break;
            case "log_loss":
                Near(want, Metric.LogLoss<T>(x, labels, classes), tol, metric);
                break;
            default:
                throw new InvalidDataException($"unknown metric {metric}");
        }
    }

    private static ClassificationMetrics Binary<T>(T[] probabilities, T[] targets, double threshold) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ClassificationMetrics a = new(2), b = new(2);
        foreach ((int start, int length) in Batches(probabilities.Length))
        {
            (start == 0 ? a : b).AddBinary<T>(probabilities.AsSpan(start, length), targets.AsSpan(start, length), threshold);
        }
        a.Merge(b);
        return a;
    }
}
