using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Text.Json;
using FastLoss.PathProbe;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// The 408 conformance cases of the wider catalogue computed by PyTorch (TestData/pytorch-more-losses.jsonl.gz), for float
/// and double at the tolerances of TestData/README.md, each gradient array on its own; run through the catalogue's registry.
/// </summary>
public class MoreGoldenTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() => GoldenFile.Load("pytorch-more-losses.jsonl.gz"));

    public static TheoryData<string> Ids => new(Cases.Value.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void TheFileHoldsEveryCaseOfTheTwelveLosses()
    {
        Assert.Equal(408, Cases.Value.Count);
        string[] losses = Cases.Value.Values.Select(c => c.GetProperty("loss").GetString()!).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(12, losses.Length);
        Assert.All(losses, loss => Assert.True(Catalogue.Golden.ContainsKey(loss), $"no registry entry runs {loss}"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SinglePrecision(string id) => Verify<float>(Cases.Value[id], 2e-5);

    [Theory]
    [MemberData(nameof(Ids))]
    public void DoublePrecision(string id) => Verify<double>(Cases.Value[id], 1e-10);

    /// <summary>Runs a case of either PyTorch file through the registry and checks its value and every gradient at <paramref name="tolerance"/> (TestData/README.md).</summary>
    internal static void Verify<T>(JsonElement c, double tolerance) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        string id = c.GetProperty("id").GetString()!;
        GoldenCase<T> golden = GoldenCase<T>.From(c);
        Dictionary<string, T[]> gradients = golden.Gradients.ToDictionary(kv => kv.Key, kv => new T[kv.Value.Length]);
        T value = Catalogue.Golden[golden.Loss].Run(golden, gradients);
        Check.Close(golden.Value, Check.D(value), tolerance * Math.Max(1, Math.Abs(golden.Value)), $"{id} {typeof(T).Name} value");
        foreach ((string name, double[] want) in golden.Gradients)
        {
            double max = want.Length == 0 ? 0 : want.Max(Math.Abs);
            double gradientTolerance = tolerance * Math.Max(max, 1e-3 / Math.Max(1, want.Length));
            for (int i = 0; i < want.Length; i++)
            {
                Check.Close(want[i], Check.D(gradients[name][i]), gradientTolerance, $"{id} {typeof(T).Name} gradient {name}[{i}]");
            }
        }
    }
}
