using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;

namespace FastLoss.Benchmarks;

/// <summary>
/// What each instruction-set path is worth on this CPU: FastLoss's fused kernels on every path the CPU
/// supports (AVX-512, AVX2, 128-bit, scalar), side by side. Results are bit-identical on every path.
/// </summary>
public class Paths : ISized
{
    private float[] _x = [], _y = [], _g = [];
    private int[] _labels = [];

    public static IEnumerable<KernelPath> SupportedPaths => Enum.GetValues<KernelPath>().Where(p => p <= KernelPaths.Supported).Reverse();

    [ParamsSource(nameof(SupportedPaths))]
    public KernelPath Path { get; set; } = KernelPath.Vector512;

    [Params("MSE", "LogCosh", "BCEWithLogits", "CrossEntropy256x1000")]
    public string Kernel { get; set; } = "MSE";

    private const int N = 1 << 18;

    public long Elements => N;
    public int ElementSize => sizeof(float);
    public bool WritesOutput => true;

    [GlobalSetup]
    public void Setup()
    {
        KernelPaths.Active = Path;
        Random rng = new(42);
        _x = Enumerable.Range(0, N).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        _y = Enumerable.Range(0, N).Select(_ => (float)rng.Next(2)).ToArray();
        _g = new float[N];
        _labels = Enumerable.Range(0, N / 1000).Select(_ => rng.Next(1000)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => KernelPaths.Active = KernelPaths.Supported;

    [Benchmark]
    public float Fused() => Kernel switch
    {
        "MSE" => Loss.MeanSquaredError<float>(_x, _y, _g),
        "LogCosh" => Loss.LogCosh<float>(_x, _y, _g),
        "BCEWithLogits" => Loss.BinaryCrossEntropyWithLogits<float>(_x, _y, _g),
        _ => Loss.CrossEntropy<float>(_x.AsSpan(0, _labels.Length * 1000), _labels, 1000, _g.AsSpan(0, _labels.Length * 1000)),
    };
}
