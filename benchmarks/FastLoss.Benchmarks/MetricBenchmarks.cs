using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace FastLoss.Benchmarks;

/// <summary>
/// The metrics on float data, one-shot and streaming, against the TensorPrimitives composition a user would write
/// (in float: TensorPrimitives has no widening sums) and a scalar loop accumulating in double. Each case checks
/// FastLoss against the scalar loop before it is timed.
/// </summary>
public class Metrics : ISized
{
    private float[] _p = [], _t = [], _scratch = [], _binary = [], _logits = [];
    private int[] _labels = [];
    private readonly RegressionMetrics _accumulator = new();
    private const int Classes = 10;

    [Params("R2 1M", "LogLoss 1M", "RegressionMetrics.Add 1M", "Accuracy 100Kx10")]
    public string Case { get; set; } = "R2 1M";

    private const int N = 1 << 20;
    private const int Rows = 100_000;

    public long Elements => Case.StartsWith("Accuracy", StringComparison.Ordinal) ? (long)Rows * Classes : N;
    public int ElementSize => sizeof(float);
    public bool WritesOutput => false;

    [GlobalSetup(Target = nameof(Scalar))]
    public void SetupScalar() => Tiering.Settle(Setup, Scalar);

    [GlobalSetup(Target = nameof(TensorPrimitives))]
    public void SetupTensorPrimitives() => Tiering.Settle(Setup, TensorPrimitives);

    [GlobalSetup(Target = nameof(FastLoss))]
    public void SetupFastLoss() => Tiering.Settle(Setup, FastLoss);

    /// <summary>The data; each measured method's own setup (above) then lets its tiered compilation settle.</summary>
    public void Setup()
    {
        Parallelism.MaxThreads = 1;
        Random rng = new(42);
        _p = Enumerable.Range(0, N).Select(_ => (float)rng.NextDouble()).ToArray();
        _t = Enumerable.Range(0, N).Select(_ => (float)(rng.NextDouble() * 0.5 + 0.25)).ToArray();
        _binary = Enumerable.Range(0, N).Select(_ => (float)rng.Next(2)).ToArray();
        _scratch = new float[N];
        _logits = Enumerable.Range(0, Rows * Classes).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        _labels = Enumerable.Range(0, Rows).Select(_ => rng.Next(Classes)).ToArray();
        double want = Scalar(), got = FastLoss();
        if (!(Math.Abs(got - want) <= 1e-9 * Math.Max(1, Math.Abs(want))))
        {
            throw new InvalidOperationException($"{Case}: FastLoss {got:R} against the scalar loop's {want:R}");
        }
    }

    [Benchmark(Baseline = true)]
    public double Scalar()
    {
        switch (Case)
        {
            case "R2 1M":
            case "RegressionMetrics.Add 1M":
                double mean = 0;
                for (int i = 0; i < N; i++)
                {
                    mean += _t[i];
                }
                mean /= N;
                double total = 0, residual = 0;
                for (int i = 0; i < N; i++)
                {
                    double d = _t[i] - mean, e = (double)_p[i] - _t[i];
                    total += d * d;
                    residual += e * e;
                }
                return 1 - residual / total;
            case "LogLoss 1M":
                double sum = 0, eps = 1.1920928955078125e-07;
                for (int i = 0; i < N; i++)
                {
                    double q = Math.Clamp(_p[i], eps, 1 - eps);
                    sum -= _binary[i] == 1 ? Math.Log(q) : Math.Log(1 - q);
                }
                return sum / N;
            default:
                int hits = 0;
                for (int r = 0; r < Rows; r++)
                {
                    int best = 0;
                    for (int c = 1; c < Classes; c++)
                    {
                        if (_logits[r * Classes + c] > _logits[r * Classes + best])
                        {
                            best = c;
                        }
                    }
                    hits += best == _labels[r] ? 1 : 0;
                }
                return (double)hits / Rows;
        }
    }

    [Benchmark]
    public double TensorPrimitives()
    {
        switch (Case)
        {
            case "R2 1M":
            case "RegressionMetrics.Add 1M":
                float mean = TP.Sum<float>(_t) / N;
                TP.Subtract(_t, mean, _scratch);
                float total = TP.SumOfSquares<float>(_scratch);
                TP.Subtract(_p, _t, _scratch);
                return 1 - (double)TP.SumOfSquares<float>(_scratch) / total;
            case "LogLoss 1M":
                // −(t·log q + (1 − t)·log(1 − q)) with q clipped: clamp, log, and a second log of 1 − q.
                float eps = 1.1920928955078125e-07f;
                TP.Max(_p, eps, _scratch);
                TP.Min(_scratch, 1 - eps, _scratch);
                float[] a = _scratch;
                TP.Log(a, a);
                float withLabel = TP.Dot(_binary, a);
                TP.Max(_p, eps, a);
                TP.Min(a, 1 - eps, a);
                TP.Subtract(1f, a, a);
                TP.Log(a, a);
                float withoutLabel = TP.Sum<float>(a) - TP.Dot(_binary, a);
                return -(withLabel + withoutLabel) / N;
            default:
                int hits = 0;
                for (int r = 0; r < Rows; r++)
                {
                    hits += TP.IndexOfMax<float>(_logits.AsSpan(r * Classes, Classes)) == _labels[r] ? 1 : 0;
                }
                return (double)hits / Rows;
        }
    }

    [Benchmark]
    public double FastLoss()
    {
        switch (Case)
        {
            case "R2 1M":
                return Metric.R2Score<float>(_p, _t);
            case "RegressionMetrics.Add 1M":
                _accumulator.Reset();
                _accumulator.Add<float>(_p, _t);
                return _accumulator.R2Score;
            case "LogLoss 1M":
                return Metric.LogLoss<float>(_p, _binary);
            default:
                return Metric.Accuracy<float>(_logits, _labels, Classes);
        }
    }
}
