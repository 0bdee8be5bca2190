using System;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace FastLoss.Benchmarks;

/// <summary>
/// A new process's first calls, as a trainer meets them: the first call (JIT included) and the mean of calls 2 to
/// 200, each in fresh processes (cold start, one measured invocation a process), for the digits trainer's
/// cross-entropy (1797×10) and the breast-cancer trainer's BCE with logits (569), beside a warm call of the same
/// kernel on the same data (<see cref="WarmCall"/>).
/// </summary>
[Config(typeof(ColdStartConfig))]
public class ColdStart
{
    private float[] _logits = [], _gradient = [], _x = [], _t = [], _g = [];
    private int[] _labels = [];
    private bool _crossEntropy;

    [Params("CrossEntropy 1797x10", "BCEWithLogits 569")]
    public string Kernel { get; set; } = "CrossEntropy 1797x10";

    [GlobalSetup]
    public void Setup()
    {
        _crossEntropy = Kernel.StartsWith("CrossEntropy", StringComparison.Ordinal);
        Random rng = new(42);
        _logits = new float[1797 * 10];
        _gradient = new float[_logits.Length];
        _labels = new int[1797];
        for (int i = 0; i < _logits.Length; i++)
        {
            _logits[i] = (float)(rng.NextDouble() * 8 - 4);
        }
        for (int r = 0; r < _labels.Length; r++)
        {
            _labels[r] = rng.Next(10);
        }
        _x = new float[569];
        _t = new float[569];
        _g = new float[569];
        for (int i = 0; i < 569; i++)
        {
            _x[i] = (float)(rng.NextDouble() * 8 - 4);
            _t[i] = rng.Next(2);
        }
    }

    // The kernel is chosen in the setup: a string test per call, in the tier-0 code of a fresh process, cost about a
    // microsecond, twice BCE's whole warm call.
    private float Call() => _crossEntropy
        ? Loss.CrossEntropy<float>(_logits, _labels, 10, _gradient)
        : Loss.BinaryCrossEntropyWithLogits<float>(_x, _t, _g);

    /// <summary>The first call of the process: its JIT included.</summary>
    [Benchmark(Baseline = true)]
    public float FirstCall() => Call();

    /// <summary>
    /// The first call, untimed, and the measured method compiled beforehand, as a trainer's loop is by its second
    /// step: compiled inside the measurement, this method's own JIT (~0.3 ms) read as 1.5 us more per call.
    /// </summary>
    [IterationSetup(Target = nameof(CallsTwoTo200))]
    public void FirstCallUntimed()
    {
        Call();
        RuntimeHelpers.PrepareMethod(typeof(ColdStart).GetMethod(nameof(CallsTwoTo200))!.MethodHandle);
    }

    /// <summary>Calls 2 to 200 of the process (the first made untimed just before); the mean per call.</summary>
    [Benchmark(OperationsPerInvoke = 199)]
    public float CallsTwoTo200()
    {
        float last = 0;
        for (int i = 2; i <= 200; i++)
        {
            last = Call();
        }
        return last;
    }

    [IterationSetup(Target = nameof(WarmCall))]
    public void WarmUp() => Tiering.Settle(Call);

    /// <summary>A warm call in the same kind of process, for the ratio of calls 2 to 200 (the mean of 1000 calls, after tiered compilation settled).</summary>
    [Benchmark(OperationsPerInvoke = 1000)]
    public float WarmCall()
    {
        float last = 0;
        for (int i = 0; i < 1000; i++)
        {
            last = Call();
        }
        return last;
    }
}

/// <summary>Fresh processes, one measured invocation each, no warm-up.</summary>
public sealed class ColdStartConfig : ManualConfig
{
    public ColdStartConfig()
        => AddJob(Job.Default.WithStrategy(RunStrategy.ColdStart).WithLaunchCount(5).WithWarmupCount(0).WithIterationCount(1).WithInvocationCount(1).WithUnrollFactor(1)
            .WithEnvironmentVariables(new EnvironmentVariable(Parallelism.EnvironmentVariable, "1")).WithId("ColdStart"));
}
