using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using BenchmarkDotNet.Attributes;

namespace FastLoss.Benchmarks;

/// <summary>Value or value-and-gradient form.</summary>
public enum Form
{
    Value,
    Fused,
}

/// <summary>
/// Every element-wise loss at sizes that sit in L1, L2, L3 and DRAM (4K, 64K, 1M, 16M) and one ragged length:
/// the scalar loop (baseline), the TensorPrimitives composition and FastLoss, side by side.
/// </summary>
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
public class Elementwise<T> : ISized where T : unmanaged, IBinaryFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>, IHyperbolicFunctions<T>
{
    private T[] _x = [], _y = [], _g = [], _scratch = [];
    private ElementwiseLoss<T> _loss = null!;

    public static IEnumerable<string> Losses => ElementwiseLoss<T>.All.Keys;

    [ParamsSource(nameof(Losses))]
    public string Loss { get; set; } = "MSE";

    [Params(4096, 65536, 1 << 20, 1 << 24, 1_000_003)]
    public int N { get; set; } = 65536;

    [Params(Form.Fused, Form.Value)]
    public Form Form { get; set; } = Form.Fused;

    public long Elements => N;
    public int ElementSize => System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
    public bool WritesOutput => Form == Form.Fused;

    [GlobalSetup(Target = nameof(Scalar))]
    public void SetupScalar() => Tiering.Settle(Setup, Scalar);

    [GlobalSetup(Target = nameof(TensorPrimitives))]
    public void SetupTensorPrimitives() => Tiering.Settle(Setup, TensorPrimitives);

    [GlobalSetup(Target = nameof(FastLoss))]
    public void SetupFastLoss() => Tiering.Settle(Setup, FastLoss);

    /// <summary>The data; each measured method's own setup (above) then lets its tiered compilation settle.</summary>
    public void Setup()
    {
        _loss = ElementwiseLoss<T>.All[Loss];
        Random rng = new(42);
        _x = new T[N];
        _y = new T[N];
        _g = new T[N];
        _scratch = new T[N];
        for (int i = 0; i < N; i++)
        {
            (double x, double y) = _loss.Sample(rng);
            _x[i] = T.CreateTruncating(x);
            _y[i] = T.CreateTruncating(y);
        }
        Verify();
    }

    /// <summary>FastLoss on this case's data against the scalar loop in double (see <see cref="Verification"/>).</summary>
    private void Verify()
    {
        ElementwiseLoss<double> reference = ElementwiseLoss<double>.All[Loss];
        double[] x = Verification.Widen(_x), y = Verification.Widen(_y), g = new double[N], scratch = new double[N];
        string what = $"{Loss} {typeof(T).Name} N={N} {Form}";
        if (Form == Form.Fused)
        {
            double expected = reference.ScalarFused(x, y, g, scratch);
            Verification.Check<T>(what, _loss.FastLossFused(_x, _y, _g, _scratch), expected, _g, g);
        }
        else
        {
            Verification.Check<T>(what, _loss.FastLossValue(_x, _y, _scratch), reference.ScalarValue(x, y, scratch), default, default);
        }
    }

    [Benchmark(Baseline = true)]
    public T Scalar() => Form == Form.Fused ? _loss.ScalarFused(_x, _y, _g, _scratch) : _loss.ScalarValue(_x, _y, _scratch);

    /// <summary>The composition of TensorPrimitives calls a user would write (reported as NA where none fits).</summary>
    [Benchmark]
    public T TensorPrimitives()
    {
        if (Form == Form.Fused)
        {
            return (_loss.TensorPrimitivesFused ?? throw new NotSupportedException($"no TensorPrimitives composition for {Loss}"))(_x, _y, _g, _scratch);
        }
        return (_loss.TensorPrimitivesValue ?? throw new NotSupportedException($"no TensorPrimitives composition for {Loss}"))(_x, _y, _scratch);
    }

    [Benchmark]
    public T FastLoss() => Form == Form.Fused ? _loss.FastLossFused(_x, _y, _g, _scratch) : _loss.FastLossValue(_x, _y, _scratch);
}
