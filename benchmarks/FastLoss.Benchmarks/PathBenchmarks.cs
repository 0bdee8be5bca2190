using System;
using System.Collections.Generic;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace FastLoss.Benchmarks;

/// <summary>
/// What each instruction-set path is worth on this CPU, fairly: each path runs in a process of its own under the
/// runtime setting that selects it (<see cref="PathSettings"/>), so that TensorPrimitives and the scalar loop take
/// that path too, and FastLoss, the TensorPrimitives composition and the scalar loop are measured side by side
/// under it. One thread (FASTLOSS_THREADS=1): the per-core comparison; <see cref="Scaling"/> measures the cores.
/// </summary>
[Config(typeof(PathSettings))]
public class Paths : ISized
{
    private Elementwise<float>? _elementwise;
    private CrossEntropy<float>? _crossEntropy;

    [Params("MSE 64K", "BCEWithLogits 1M", "CrossEntropy 256x10", "CrossEntropy 256x1000", "CrossEntropy 64x32000")]
    public string Kernel { get; set; } = "MSE 64K";

    public long Elements => Kernel switch
    {
        "MSE 64K" => 1 << 16,
        "BCEWithLogits 1M" => 1 << 20,
        "CrossEntropy 256x10" => 2560,
        "CrossEntropy 256x1000" => 256_000,
        _ => 64 * 32000,
    };

    public int ElementSize => sizeof(float);
    public bool WritesOutput => true;

    [GlobalSetup(Target = nameof(Scalar))]
    public void SetupScalar() => Tiering.Settle(Setup, Scalar);

    [GlobalSetup(Target = nameof(TensorPrimitives))]
    public void SetupTensorPrimitives() => Tiering.Settle(Setup, TensorPrimitives);

    [GlobalSetup(Target = nameof(FastLoss))]
    public void SetupFastLoss() => Tiering.Settle(Setup, FastLoss);

    private void Setup()
    {
        Parallelism.MaxThreads = 1;
        string[] parts = Kernel.Split(' ');
        if (parts[0] == "CrossEntropy")
        {
            _crossEntropy = new CrossEntropy<float> { Shape = parts[1], Form = Form.Fused, Variant = "Labels" };
            _crossEntropy.Setup();
        }
        else
        {
            _elementwise = new Elementwise<float> { Loss = parts[0], N = (int)Elements, Form = Form.Fused };
            _elementwise.Setup();
        }
    }

    [Benchmark(Baseline = true)]
    public float Scalar() => _crossEntropy is not null ? _crossEntropy.Scalar() : _elementwise!.Scalar();

    [Benchmark]
    public float TensorPrimitives() => _crossEntropy is not null ? _crossEntropy.TensorPrimitives() : _elementwise!.TensorPrimitives();

    [Benchmark]
    public float FastLoss() => _crossEntropy is not null ? _crossEntropy.FastLoss() : _elementwise!.FastLoss();
}

/// <summary>
/// One job per instruction-set path this CPU has, each a process under the runtime setting that selects the path
/// for FastLoss and TensorPrimitives alike: the widest; AVX2 (DOTNET_EnableAVX512=0, AVX-512 CPUs only); 128-bit
/// vectors with FMA, ARM64's shape (DOTNET_PreferredVectorBitWidth=128); SSE without FMA (DOTNET_EnableAVX2=0,
/// x64); no SIMD (DOTNET_EnableHWIntrinsic=0).
/// </summary>
public sealed class PathSettings : ManualConfig
{
    public PathSettings()
    {
        foreach (Job job in Jobs())
        {
            AddJob(job);
        }
    }

    /// <summary>
    /// The jobs: each a process of its own, a short run (two warm-up and seven measured iterations of about 150 ms):
    /// five processes a kernel, about a minute for the quick default's two kernels.
    /// </summary>
    public static IEnumerable<Job> Jobs()
    {
        List<(string Id, string? Variable, string? Value)> settings = [("Widest", null, null)];
        if (Vector512.IsHardwareAccelerated)
        {
            settings.Add(("AVX2", "DOTNET_EnableAVX512", "0"));
        }
        if (Vector256.IsHardwareAccelerated)
        {
            settings.Add(("128-bit FMA", "DOTNET_PreferredVectorBitWidth", "128"));
        }
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            settings.Add(("SSE no FMA", "DOTNET_EnableAVX2", "0"));
        }
        settings.Add(("No SIMD", "DOTNET_EnableHWIntrinsic", "0"));
        foreach ((string id, string? variable, string? value) in settings)
        {
            Job job = Job.ShortRun.WithWarmupCount(2).WithIterationCount(7).WithLaunchCount(1)
                .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(150))
                .WithEnvironmentVariables(new EnvironmentVariable(Parallelism.EnvironmentVariable, "1"))
                .WithId(id);
            if (variable is not null)
            {
                job = job.WithEnvironmentVariables(new EnvironmentVariable(variable, value!), new EnvironmentVariable(Parallelism.EnvironmentVariable, "1"));
            }
            yield return job;
        }
    }
}
