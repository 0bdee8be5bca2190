using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using FastLoss.PathProbe;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// The 796 conformance cases computed by PyTorch (TestData/pytorch-losses.jsonl.gz), and the cases made since with
/// TestData/generate_pytorch_cases.py, for float and double at the tolerances of TestData/README.md; run through the
/// losses' registry (<see cref="Catalogue"/>).
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
        string[] losses = shipped.Values.Select(c => c.GetProperty("loss").GetString()!).Distinct().ToArray();
        Assert.Equal(17, losses.Length);
        Assert.All(losses, loss => Assert.True(Catalogue.Golden.ContainsKey(loss), $"no registry entry runs {loss}"));
        Assert.True(Cases.Value.Count > shipped.Count, "the generated cases (pytorch-losses-*.jsonl.gz) are not in TestData");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SinglePrecision(string id) => MoreGoldenTests.Verify<float>(Cases.Value[id], 2e-5);

    [Theory]
    [MemberData(nameof(Ids))]
    public void DoublePrecision(string id) => MoreGoldenTests.Verify<double>(Cases.Value[id], 1e-10);
}
