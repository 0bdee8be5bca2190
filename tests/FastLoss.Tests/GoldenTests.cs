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
/// The 796 conformance cases computed by PyTorch (TestData/pytorch-losses.jsonl.gz), and the cases made since with
/// TestData/generate_pytorch_cases.py, for float and double at the tolerances of TestData/README.md.
/// </summary>
public class GoldenTests
{
    private const string Shipped = "pytorch-losses.jsonl.gz";

    /// <summary>The shipped cases and those contributors add with TestData/generate_pytorch_cases.py (pytorch-losses-*.jsonl.gz).</summary>
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
    {
        Dictionary<string, JsonElement> all = GoldenFile.Load(Shipped);
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData"), "pytorch-losses-*.jsonl.gz").Order(StringComparer.Ordinal))
        {
            foreach ((string id, JsonElement c) in GoldenFile.Load(Path.GetFileName(file)))
            {
                all.Add($"{Path.GetFileName(file)}:{id}", c);
            }
        }
        return all;
    });

    public static TheoryData<string> Ids => new(Cases.Value.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void TheFileHoldsAllCasesOfAllSeventeenLosses()
    {
        Dictionary<string, JsonElement> shipped = GoldenFile.Load(Shipped);
        Assert.Equal(796, shipped.Count);
        Assert.Equal(17, shipped.Values.Select(c => c.GetProperty("loss").GetString()).Distinct().Count());
        Assert.True(Cases.Value.Count > shipped.Count, "the generated cases (pytorch-losses-*.jsonl.gz) are not in TestData");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SinglePrecision(string id) => Verify<float>(Cases.Value[id], 2e-5);

    [Theory]
    [MemberData(nameof(Ids))]
    public void DoublePrecision(string id) => Verify<double>(Cases.Value[id], 1e-10);

    private static T[] Array<T>(JsonElement e) where T : IBinaryFloatingPointIeee754<T>
        => e.EnumerateArray().Select(x => T.CreateTruncating(x.GetDouble())).ToArray();

    private static void Verify<T>(JsonElement c, double tolerance) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        string loss = c.GetProperty("loss").GetString()!;
        Reduction reduction = c.GetProperty("reduction").GetString() == "mean" ? Reduction.Mean : Reduction.Sum;
        JsonElement p = c.GetProperty("params");
        double Param(string name, double fallback) => p.TryGetProperty(name, out JsonElement v) ? v.GetDouble() : fallback;
        T[] x = Array<T>(c.GetProperty("input"));
        JsonElement target = c.GetProperty("target");
        T[] w = c.TryGetProperty("weight", out JsonElement we) ? Array<T>(we) : [];
        T[] cw = c.TryGetProperty("class_weights", out JsonElement cwe) ? Array<T>(cwe) : [];
        int classes = c.TryGetProperty("shape", out JsonElement shape) ? shape[1].GetInt32() : 0;
        int[] Labels() => target.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        T[] Targets() => Array<T>(target);
        T Scalar(double v) => T.CreateTruncating(v);
        T[] g = new T[x.Length];
        T value = loss switch
        {
            "mse" => Loss.MeanSquaredError<T>(x, Targets(), g, reduction),
            "mae" => Loss.MeanAbsoluteError<T>(x, Targets(), g, reduction),
            "rmse" => Loss.RootMeanSquaredError<T>(x, Targets(), g),
            "huber" => Loss.Huber<T>(x, Targets(), g, Scalar(Param("delta", 1)), reduction),
            "smooth_l1" => Loss.SmoothL1<T>(x, Targets(), g, Scalar(Param("beta", 1)), reduction),
            "log_cosh" => Loss.LogCosh<T>(x, Targets(), g, reduction),
            "quantile" => Loss.Quantile<T>(x, Targets(), g, Scalar(Param("quantile", 0.5)), reduction),
            "poisson_nll" => Loss.PoissonNegativeLogLikelihood<T>(x, Targets(), g, reduction),
            "bce" => Loss.BinaryCrossEntropy<T>(x, Targets(), g, reduction, weights: w),
            "bce_logits" => Loss.BinaryCrossEntropyWithLogits<T>(x, Targets(), g, reduction, weights: w,
                positiveWeight: p.TryGetProperty("pos_weight", out JsonElement pw) ? Scalar(pw.GetDouble()) : null),
            "hinge" => Loss.Hinge<T>(x, Targets(), g, reduction),
            "squared_hinge" => Loss.SquaredHinge<T>(x, Targets(), g, reduction),
            "focal" => Loss.SigmoidFocal<T>(x, Targets(), g, reduction, alpha: Param("alpha", 0.25), gamma: Param("gamma", 2)),
            "cross_entropy" => Loss.CrossEntropy<T>(x, Labels(), classes, g, reduction, classWeights: cw,
                ignoreIndex: (int)Param("ignore_index", -100), labelSmoothing: Param("label_smoothing", 0)),
            "cross_entropy_soft" => Loss.CrossEntropy<T>(x, Targets(), classes, g, reduction, labelSmoothing: Param("label_smoothing", 0)),
            "nll" => Loss.NegativeLogLikelihood<T>(x, Labels(), classes, g, reduction, classWeights: cw, ignoreIndex: (int)Param("ignore_index", -100)),
            "kl_div" => Loss.KullbackLeiblerDivergence<T>(x, Targets(), classes, g, reduction,
                logTarget: p.TryGetProperty("log_target", out JsonElement lt) && lt.GetBoolean()),
            _ => throw new InvalidOperationException($"unmapped loss {loss}"),
        };
        string id = c.GetProperty("id").GetString()!;
        double want = c.GetProperty("value").GetDouble();
        Check.Close(want, Check.D(value), tolerance * Math.Max(1, Math.Abs(want)), $"{id} {typeof(T).Name} value");
        double[] wantGradient = c.GetProperty("gradient").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double max = wantGradient.Length == 0 ? 0 : wantGradient.Max(Math.Abs);
        double gradientTolerance = tolerance * Math.Max(max, 1e-3 / Math.Max(1, wantGradient.Length));
        for (int i = 0; i < wantGradient.Length; i++)
        {
            Check.Close(wantGradient[i], Check.D(g[i]), gradientTolerance, $"{id} {typeof(T).Name} gradient[{i}]");
        }
    }
}
