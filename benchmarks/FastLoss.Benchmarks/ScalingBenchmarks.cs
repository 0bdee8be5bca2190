using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace FastLoss.Benchmarks;

/// <summary>
/// One core against all of them for the large calls that FastLoss cuts into segments (see <see cref="Parallelism"/>);
/// the results are bit-identical either way. Ratio: all cores over one (below 1: faster).
/// </summary>
public class Scaling : ISized
{
    private Elementwise<float>? _elementwise;
    private CrossEntropy<float>? _crossEntropy;

    [Params("BCEWithLogits 16M", "MSE 16M", "CrossEntropy 64x32000")]
    public string Kernel { get; set; } = "BCEWithLogits 16M";

    public static IEnumerable<int> ThreadCounts => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; } = 1;

    public long Elements => Kernel.StartsWith("CrossEntropy", StringComparison.Ordinal) ? 64 * 32000 : 1 << 24;
    public int ElementSize => sizeof(float);
    public bool WritesOutput => true;

    [GlobalSetup(Target = nameof(FastLoss))]
    public void SetupFastLoss() => Tiering.Settle(Setup, FastLoss);

    /// <summary>The data; each measured method's own setup (above) then lets its tiered compilation settle.</summary>
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        string[] parts = Kernel.Split(' ');
        if (parts[0] == "CrossEntropy")
        {
            _crossEntropy = new CrossEntropy<float> { Shape = parts[1], Form = Form.Fused, Variant = "Labels" };
            _crossEntropy.Setup();
        }
        else
        {
            _elementwise = new Elementwise<float> { Loss = parts[0], N = 1 << 24, Form = Form.Fused };
            _elementwise.Setup();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Parallelism.MaxThreads = 1;

    [Benchmark]
    public float FastLoss() => _crossEntropy is not null ? _crossEntropy.FastLoss() : _elementwise!.FastLoss();
}
