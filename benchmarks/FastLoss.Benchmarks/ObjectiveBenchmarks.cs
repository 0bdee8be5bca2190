using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace FastLoss.Benchmarks;

/// <summary>
/// Two weighted losses over 1M floats with their gradient, one thread: FastLoss's <see cref="Objective{T}"/> (one fused
/// pass) against the two single FastLoss calls combined with TensorPrimitives (the target: the objective at least 1.5×
/// as fast), the TensorPrimitives compositions alone, and a scalar loop. Each case checks the objective against the
/// scalar loop before it is timed.
/// </summary>
public class Objectives : ISized
{
    private const int N = 1 << 20;
    private float[] _x = [], _y = [], _g = [], _g1 = [], _g2 = [], _s1 = [], _s2 = [], _s3 = [];
    private Objective<float> _objective = null!;
    private float _w1, _w2;
    private ElementwiseLoss<float> _first = null!, _second = null!;

    [Params("0.7 MSE + 0.3 MAE 1M", "0.5 BCEWithLogits + 0.5 Focal 1M")]
    public string Case { get; set; } = "0.7 MSE + 0.3 MAE 1M";

    public long Elements => N;
    public int ElementSize => sizeof(float);
    public bool WritesOutput => true;

    private bool Regression => Case.Contains("MSE", StringComparison.Ordinal);

    [GlobalSetup(Target = nameof(Scalar))]
    public void SetupScalar() => Tiering.Settle(Setup, Scalar);

    [GlobalSetup(Target = nameof(TensorPrimitives))]
    public void SetupTensorPrimitives() => Tiering.Settle(Setup, TensorPrimitives);

    [GlobalSetup(Target = nameof(SingleLosses))]
    public void SetupSingleLosses() => Tiering.Settle(Setup, SingleLosses);

    [GlobalSetup(Target = nameof(FastLoss))]
    public void SetupFastLoss() => Tiering.Settle(Setup, FastLoss);

    /// <summary>The data; each measured method's own setup (above) then lets its tiered compilation settle.</summary>
    public void Setup()
    {
        Parallelism.MaxThreads = 1;
        Random rng = new(42);
        _x = Enumerable.Range(0, N).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        _y = Regression
            ? Enumerable.Range(0, N).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray()
            : Enumerable.Range(0, N).Select(_ => (float)rng.Next(2)).ToArray();
        _g = new float[N];
        _g1 = new float[N];
        _g2 = new float[N];
        _s1 = new float[N];
        _s2 = new float[N];
        _s3 = new float[N];
        if (Regression)
        {
            (_w1, _w2) = (0.7f, 0.3f);
            _objective = new(ObjectiveTerm.MeanSquaredError(_w1), ObjectiveTerm.MeanAbsoluteError(_w2));
            (_first, _second) = (ElementwiseLoss<float>.All["MSE"], ElementwiseLoss<float>.All["MAE"]);
        }
        else
        {
            (_w1, _w2) = (0.5f, 0.5f);
            _objective = new(ObjectiveTerm.BinaryCrossEntropyWithLogits(_w1), ObjectiveTerm.SigmoidFocal(_w2));
            (_first, _second) = (ElementwiseLoss<float>.All["BCEWithLogits"], ElementwiseLoss<float>.All["Focal"]);
        }
        // Every method against the scalar loop, value and gradient, before anything is timed (the loops' values are
        // float sums over 1M terms: 1e-3 relative).
        double want = Scalar();
        float[] expected = (float[])_g.Clone();
        foreach ((string name, Func<double> run) in new (string, Func<double>)[] { ("FastLoss", FastLoss), ("SingleLosses", SingleLosses), ("TensorPrimitives", TensorPrimitives) })
        {
            Array.Clear(_g);
            double got = run();
            float worst = 0;
            for (int i = 0; i < N; i++)
            {
                worst = Math.Max(worst, Math.Abs(_g[i] - expected[i]));
            }
            if (!(Math.Abs(got - want) <= 1e-3 * Math.Max(1, Math.Abs(want))) || !(worst <= 1e-5f * expected.Max(Math.Abs)))
            {
                throw new InvalidOperationException($"{Case}: {name} gives {got:R} (gradient off by up to {worst}), the scalar loop {want:R}");
            }
        }
    }

    /// <summary>The two losses' scalar loops, combined in a third loop.</summary>
    [Benchmark(Baseline = true)]
    public double Scalar()
    {
        float a = _first.ScalarFused(_x, _y, _g1, _s1), b = _second.ScalarFused(_x, _y, _g2, _s1);
        for (int i = 0; i < N; i++)
        {
            _g[i] = _w1 * _g1[i] + _w2 * _g2[i];
        }
        return _w1 * a + _w2 * b;
    }

    /// <summary>The TensorPrimitives compositions of the two losses, combined by TensorPrimitives.</summary>
    [Benchmark]
    public double TensorPrimitives()
    {
        float a = _first.TensorPrimitivesFused!(_x, _y, _g1, _s1);
        float b = Regression ? _second.TensorPrimitivesFused!(_x, _y, _g2, _s1) : FocalComposition();
        Combine();
        return _w1 * a + _w2 * b;
    }

    /// <summary>(a): the two single FastLoss calls, combined by TensorPrimitives.</summary>
    [Benchmark]
    public double SingleLosses()
    {
        float a = Regression ? Loss.MeanSquaredError<float>(_x, _y, _g1) : Loss.BinaryCrossEntropyWithLogits<float>(_x, _y, _g1);
        float b = Regression ? Loss.MeanAbsoluteError<float>(_x, _y, _g2) : Loss.SigmoidFocal<float>(_x, _y, _g2);
        Combine();
        return _w1 * a + _w2 * b;
    }

    [Benchmark]
    public double FastLoss() => _objective.Evaluate(_x, _y, _g);

    private void Combine()
    {
        TP.Multiply(_g1, _w1, _g);
        TP.MultiplyAdd(_g2, _w2, _g, _g);
    }

    /// <summary>
    /// The focal loss (α = 0.25, γ = 2) in TensorPrimitives: p = σ(x), ce = max(x, 0) − xt + log1p(e^−|x|),
    /// m = p + t − 2pt, αₜ = 0.75 − 0.5t; loss αₜ·ce·m², gradient αₜ((p − t)m² + 2·ce·m·p(1 − p)(1 − 2t))/n.
    /// </summary>
    private float FocalComposition()
    {
        Span<float> p = _g2, ce = _s1, m = _s2, t3 = _s3;
        ReadOnlySpan<float> x = _x, t = _y;
        TP.Sigmoid<float>(x, p);
        TP.Abs<float>(x, ce);
        TP.Negate<float>(ce, ce);
        TP.Exp<float>(ce, ce);
        TP.LogP1<float>(ce, ce);
        TP.Max(x, 0f, m);
        TP.Add<float>(ce, m, ce);
        TP.Multiply<float>(x, t, m);
        TP.Subtract<float>(ce, m, ce);                 // ce
        TP.Multiply<float>(p, t, m);
        TP.MultiplyAdd(m, -2f, p, m);
        TP.Add<float>(m, t, m);                        // m = p + t − 2pt
        TP.Multiply(t, -0.5f, t3);
        TP.Add(t3, 0.75f, t3);                         // αₜ
        // value = Σ αₜ·ce·m²: (αₜ·ce)·m·m
        Span<float> w = _g;
        TP.Multiply<float>(t3, ce, w);
        TP.Multiply<float>(w, m, w);
        float value = TP.Dot<float>(w, m) / N;
        // gradient: αₜ((p − t)m² + 2·ce·m·p(1 − p)(1 − 2t))/n, into _g2 (p is last read here)
        TP.Subtract<float>(p, t, w);
        TP.Multiply<float>(w, m, w);
        TP.Multiply<float>(w, m, w);                   // (p − t)m²
        TP.Multiply<float>(ce, m, ce);
        TP.Multiply<float>(ce, p, ce);
        TP.Subtract(1f, p, m);
        TP.Multiply<float>(ce, m, ce);                 // ce·m·p(1 − p)
        TP.Multiply(t, -2f, m);
        TP.Add(m, 1f, m);                              // 1 − 2t
        TP.Multiply<float>(ce, m, ce);
        TP.MultiplyAdd(ce, 2f, w, w);
        TP.Multiply<float>(w, t3, w);
        TP.Multiply(w, 1f / N, _g2);
        return value;
    }
}
