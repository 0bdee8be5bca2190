using System;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using FastLoss.Simd;

namespace FastLoss.Benchmarks;

/// <summary>
/// Fused MSE over 64K floats (inputs and gradient in L2), against the plainest vector loop a user could write: one
/// pass with the widest vectors the process has, the squares summed in float in four running vectors, no fixed
/// order. Beside the TensorPrimitives composition, it shows how far any implementation can get ahead of it at this
/// size: the loop does nothing but the loss's own arithmetic and memory traffic.
/// </summary>
public class InCache : ISized
{
    private const int N = 1 << 16;
    private float[] _x = [], _y = [], _g = [], _scratch = [];
    private readonly ElementwiseLoss<float> _mse = ElementwiseLoss<float>.All["MSE"];

    public long Elements => N;
    public int ElementSize => sizeof(float);
    public bool WritesOutput => true;

    [GlobalSetup(Target = nameof(PlainVectorLoop))]
    public void SetupPlainVectorLoop() => Tiering.Settle(Setup, PlainVectorLoop);

    [GlobalSetup(Target = nameof(TensorPrimitives))]
    public void SetupTensorPrimitives() => Tiering.Settle(Setup, TensorPrimitives);

    [GlobalSetup(Target = nameof(FastLoss))]
    public void SetupFastLoss() => Tiering.Settle(Setup, FastLoss);

    /// <summary>The data (the Elementwise class's MSE sample); the loop checked against FastLoss.</summary>
    public void Setup()
    {
        Random rng = new(42);
        _x = new float[N];
        _y = new float[N];
        _g = new float[N];
        _scratch = new float[N];
        for (int i = 0; i < N; i++)
        {
            (double x, double y) = _mse.Sample(rng);
            _x[i] = (float)x;
            _y[i] = (float)y;
        }
        float plain = PlainVectorLoop();
        float[] g = (float[])_g.Clone();
        float fastLoss = FastLoss();
        if (Math.Abs(plain - fastLoss) > 1e-4 * Math.Abs(fastLoss) || !g.AsSpan().SequenceEqual(_g))
        {
            throw new InvalidOperationException($"the plain loop disagrees with FastLoss: {plain} against {fastLoss}, or its gradient");
        }
    }

    /// <summary>The plainest fused loop on the widest vectors (g = (x − y)·2/n is one rounding, as FastLoss's).</summary>
    [Benchmark(Baseline = true)]
    public float PlainVectorLoop()
    {
        ref float x = ref _x[0], y = ref _y[0], g = ref _g[0];
        float k = 2f / N;
        if (Vector512.IsHardwareAccelerated)
        {
            return Loop<W512<float>>(ref x, ref y, ref g, k);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            return Loop<W256<float>>(ref x, ref y, ref g, k);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            return Loop<W128<float>>(ref x, ref y, ref g, k);
        }
        float s = 0;
        for (int i = 0; i < N; i++)
        {
            float d = _x[i] - _y[i];
            s += d * d;
            _g[i] = d * k;
        }
        return s / N;
    }

    /// <summary>The loop on FastLoss's own hardware vectors (plain loads, subtractions, fused multiply-adds and stores).</summary>
    private static float Loop<TV>(ref float x, ref float y, ref float g, float k) where TV : struct, IVec<TV, float>
    {
        nuint w = (nuint)TV.Count;
        TV a0 = default, a1 = default, a2 = default, a3 = default, kv = TV.Create(k);
        for (nuint i = 0; i < N; i += 4 * w)
        {
            TV d0 = TV.Load(ref x, i) - TV.Load(ref y, i);
            TV d1 = TV.Load(ref x, i + w) - TV.Load(ref y, i + w);
            TV d2 = TV.Load(ref x, i + 2 * w) - TV.Load(ref y, i + 2 * w);
            TV d3 = TV.Load(ref x, i + 3 * w) - TV.Load(ref y, i + 3 * w);
            a0 = TV.MultiplyAdd(d0, d0, a0);
            a1 = TV.MultiplyAdd(d1, d1, a1);
            a2 = TV.MultiplyAdd(d2, d2, a2);
            a3 = TV.MultiplyAdd(d3, d3, a3);
            TV.Store(d0 * kv, ref g, i);
            TV.Store(d1 * kv, ref g, i + w);
            TV.Store(d2 * kv, ref g, i + 2 * w);
            TV.Store(d3 * kv, ref g, i + 3 * w);
        }
        return TV.ReduceSum(a0 + a1 + a2 + a3) / N;
    }

    /// <summary>The composition of TensorPrimitives calls of the Elementwise class's MSE.</summary>
    [Benchmark]
    public float TensorPrimitives() => _mse.TensorPrimitivesFused!(_x, _y, _g, _scratch);

    [Benchmark]
    public float FastLoss() => _mse.FastLossFused(_x, _y, _g, _scratch);
}
