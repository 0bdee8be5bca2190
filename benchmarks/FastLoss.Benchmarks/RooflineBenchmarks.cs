using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace FastLoss.Benchmarks;

/// <summary>
/// MSE at 16M floats (beyond every cache) against the best kernels with the same memory traffic, on
/// 64-byte-aligned copies: g = p − t with the widest vectors the process has for the fused form, a streaming read
/// of both inputs for the value form. FastLoss runs on ordinary (not 64-byte-aligned) float[] arrays, one thread.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public unsafe class Rooflines : ISized
{
    private const int N = 1 << 24;
    private float[] _p = [], _t = [], _g = [];
    private float* _ap, _at, _ag;

    public long Elements => N;
    public int ElementSize => sizeof(float);
    public bool WritesOutput => true;

    [GlobalSetup(Target = nameof(AlignedDifferenceRoofline))]
    public void SetupAlignedDifferenceRoofline() => Tiering.Settle(Setup, AlignedDifferenceRoofline);

    [GlobalSetup(Target = nameof(AlignedStreamedDifferenceRoofline))]
    public void SetupAlignedStreamedDifferenceRoofline() => Tiering.Settle(Setup, AlignedStreamedDifferenceRoofline);

    [GlobalSetup(Target = nameof(FastLossFusedOnFloatArrays))]
    public void SetupFastLossFusedOnFloatArrays() => Tiering.Settle(Setup, FastLossFusedOnFloatArrays);

    [GlobalSetup(Target = nameof(AlignedReadRoofline))]
    public void SetupAlignedReadRoofline() => Tiering.Settle(Setup, AlignedReadRoofline);

    [GlobalSetup(Target = nameof(FastLossValueOnFloatArrays))]
    public void SetupFastLossValueOnFloatArrays() => Tiering.Settle(Setup, FastLossValueOnFloatArrays);

    /// <summary>The data; each measured method's own setup (above) then lets its tiered compilation settle.</summary>
    public void Setup()
    {
        Parallelism.MaxThreads = 1;
        Random rng = new(42);
        _p = new float[N];
        _t = new float[N];
        _g = new float[N];
        _ap = (float*)NativeMemory.AlignedAlloc(N * sizeof(float), 64);
        _at = (float*)NativeMemory.AlignedAlloc(N * sizeof(float), 64);
        _ag = (float*)NativeMemory.AlignedAlloc(N * sizeof(float), 64);
        for (int i = 0; i < N; i++)
        {
            _ap[i] = _p[i] = (float)rng.NextDouble();
            _at[i] = _t[i] = (float)rng.NextDouble();
            _ag[i] = 0;
        }
        fixed (float* p = _p, t = _t, g = _g)
        {
            Console.WriteLine($"// float[] misalignment (bytes mod 64): predictions {(nint)p % 64}, targets {(nint)t % 64}, gradient {(nint)g % 64}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_ap);
        NativeMemory.AlignedFree(_at);
        NativeMemory.AlignedFree(_ag);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("fused: read 2, write 1")]
    [BytesPerElement(2, 1)]
    public float AlignedDifferenceRoofline()
    {
        // The widest vectors this process has (a 128-bit roofline under DOTNET_PreferredVectorBitWidth=128).
        if (Vector512.IsHardwareAccelerated)
        {
            for (int i = 0; i < N; i += 16)
            {
                Vector512.StoreAligned(Vector512.LoadAligned(_ap + i) - Vector512.LoadAligned(_at + i), _ag + i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (int i = 0; i < N; i += 8)
            {
                Vector256.StoreAligned(Vector256.LoadAligned(_ap + i) - Vector256.LoadAligned(_at + i), _ag + i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (int i = 0; i < N; i += 4)
            {
                Vector128.StoreAligned(Vector128.LoadAligned(_ap + i) - Vector128.LoadAligned(_at + i), _ag + i);
            }
        }
        else
        {
            for (int i = 0; i < N; i++)
            {
                _ag[i] = _ap[i] - _at[i];
            }
        }
        return _ag[0];
    }

    /// <summary>
    /// <see cref="AlignedDifferenceRoofline"/> with non-temporal stores, which write the gradient's lines without
    /// reading them first: the bound of a gradient this large written past the caches, as FastLoss's 512-bit and
    /// 256-bit paths write one (<c>PointwiseDriver.StreamedBytes</c>).
    /// </summary>
    [Benchmark]
    [BenchmarkCategory("fused: read 2, write 1")]
    [BytesPerElement(2, 1)]
    public float AlignedStreamedDifferenceRoofline()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            for (int i = 0; i < N; i += 16)
            {
                Vector512.StoreAlignedNonTemporal(Vector512.LoadAligned(_ap + i) - Vector512.LoadAligned(_at + i), _ag + i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (int i = 0; i < N; i += 8)
            {
                Vector256.StoreAlignedNonTemporal(Vector256.LoadAligned(_ap + i) - Vector256.LoadAligned(_at + i), _ag + i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (int i = 0; i < N; i += 4)
            {
                Vector128.StoreAlignedNonTemporal(Vector128.LoadAligned(_ap + i) - Vector128.LoadAligned(_at + i), _ag + i);
            }
        }
        else
        {
            return AlignedDifferenceRoofline();
        }
        return _ag[0];
    }

    [Benchmark]
    [BenchmarkCategory("fused: read 2, write 1")]
    [BytesPerElement(2, 1)]
    public float FastLossFusedOnFloatArrays() => Loss.MeanSquaredError<float>(_p, _t, _g);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("value: read 2")]
    [BytesPerElement(2, 0)]
    public float AlignedReadRoofline()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> a = Vector512<float>.Zero, b = Vector512<float>.Zero;
            for (int i = 0; i < N; i += 16)
            {
                a += Vector512.LoadAligned(_ap + i);
                b += Vector512.LoadAligned(_at + i);
            }
            return Vector512.Sum(a + b);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a = Vector256<float>.Zero, b = Vector256<float>.Zero;
            for (int i = 0; i < N; i += 8)
            {
                a += Vector256.LoadAligned(_ap + i);
                b += Vector256.LoadAligned(_at + i);
            }
            return Vector256.Sum(a + b);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> a = Vector128<float>.Zero, b = Vector128<float>.Zero;
            for (int i = 0; i < N; i += 4)
            {
                a += Vector128.LoadAligned(_ap + i);
                b += Vector128.LoadAligned(_at + i);
            }
            return Vector128.Sum(a + b);
        }
        float s = 0;
        for (int i = 0; i < N; i++)
        {
            s += _ap[i] + _at[i];
        }
        return s;
    }

    [Benchmark]
    [BenchmarkCategory("value: read 2")]
    [BytesPerElement(2, 0)]
    public float FastLossValueOnFloatArrays() => Loss.MeanSquaredError<float>(_p, _t);
}
