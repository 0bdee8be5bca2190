using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using FastLoss.PathProbe;

namespace FastLoss.Benchmarks;

/// <summary>
/// Every loss of the registry (<see cref="Catalogue"/>, which the tests and the path probe also
/// enumerate), without any code of its own here: the registry's run of that loss — value, fused and per-element or
/// per-row forms, Mean and Sum, float and double — over about 64K generated elements. A loss added to the registry
/// appears here. The speed targets against TensorPrimitives are in <see cref="MoreLosses"/>.
/// </summary>
public class CatalogueRuns
{
    private Action<List<long>> _run = _ => { };
    private readonly List<long> _bits = new(1 << 22);

    public static IEnumerable<string> Losses => Catalogue.All.Select(e => e.Name).Order(StringComparer.Ordinal);

    [ParamsSource(nameof(Losses))]
    public string Loss { get; set; } = "dice";

    [GlobalSetup]
    public void Setup()
    {
        _run = Catalogue.Golden[Loss].Setup(new Random(1), 1 << 16);
        _run(_bits);
    }

    [Benchmark]
    public int EveryForm()
    {
        _bits.Clear();
        _run(_bits);
        return _bits.Count;
    }
}
