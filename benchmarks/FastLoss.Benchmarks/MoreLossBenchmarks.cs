using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Numerics;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using FastLoss.Simd;

namespace FastLoss.Benchmarks;

/// <summary>
/// The wider catalogue's row losses with speed targets, fused, float: the scalar loop (baseline), the per-row
/// TensorPrimitives composition, FastLoss. MultiMargin is taken with p = 2 (the hinge TensorPrimitives can express
/// without a comparison mask), margin 1; CosineEmbedding with margin 0; TripletMargin with p = 2, margin 1, eps 1e-6;
/// Dice with smooth 1; Tversky α 0.3, β 0.7, smooth 1; cross-entropy with z-loss 1e-4; margin ranking with margin 0.5
/// over ±1 targets; Gaussian NLL with eps 1e-6 (its gradients of the means and of the variances); multi-label soft margin
/// over 0/1 targets. The targets (2×) of the issue are for the first four.
/// </summary>
public class MoreLosses : ISized
{
    private float[] _a = [], _b = [], _c = [], _ga = [], _gb = [], _gc = [], _targets = [];
    private int[] _labels = [];

    [Params("MultiMargin 256x1000", "CosineEmbedding 4096x256", "TripletMargin 4096x256", "Dice 64x65536",
        "Tversky 64x65536", "MultiLabelSoftMargin 256x1000", "CrossEntropyZ 256x1000", "MarginRanking 1x1048576", "GaussianNLL 1x1048576")]
    public string Case { get; set; } = "MultiMargin 256x1000";

    // Parsed once in Setup: a property computed per row would allocate inside the measured loops.
    private string Loss = "";
    private int Rows, Columns;

    /// <summary>"Name RxC" as (name, rows, columns).</summary>
    private static (string Loss, int Rows, int Columns) Parse(string value)
    {
        int space = value.IndexOf(' '), x = value.IndexOf('x', space);
        return (value[..space],
            int.Parse(value.AsSpan(space + 1, x - space - 1), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(value.AsSpan(x + 1), System.Globalization.CultureInfo.InvariantCulture));
    }

    // From Case, not the fields: the columns ask a fresh instance whose Setup has not run.
    public long Elements => (long)Parse(Case).Rows * Parse(Case).Columns;
    public int ElementSize => sizeof(float);
    public bool WritesOutput => true;

    // The arrays of Elements read and written (the targets and labels of a row are not counted).
    public int Streams => Traffic(Parse(Case).Loss).Inputs + Traffic(Parse(Case).Loss).Outputs;

    /// <summary>How many arrays of Elements a loss reads (its inputs) and writes (its gradients).</summary>
    private static (int Inputs, int Outputs) Traffic(string loss) => loss switch
    {
        "MultiMargin" or "CrossEntropyZ" => (1, 1),
        "CosineEmbedding" => (2, 2),
        "TripletMargin" => (3, 3),
        "MarginRanking" or "GaussianNLL" => (3, 2),
        _ => (2, 1),
    };

    [GlobalSetup(Target = nameof(Scalar))]
    public void SetupScalar() => Tiering.Settle(Setup, Scalar);

    [GlobalSetup(Target = nameof(TensorPrimitives))]
    public void SetupTensorPrimitives() => Tiering.Settle(Setup, TensorPrimitives);

    [GlobalSetup(Target = nameof(Roofline))]
    public void SetupRoofline() => Tiering.Settle(Setup, Roofline);

    [GlobalSetup(Target = nameof(FastLoss))]
    public void SetupFastLoss() => Tiering.Settle(Setup, FastLoss);

    /// <summary>The data; each measured method's own setup (above) then lets its tiered compilation settle.</summary>
    public void Setup()
    {
        (Loss, Rows, Columns) = Parse(Case);
        Random rng = new(42);
        int n = Rows * Columns;
        float[] Make(Func<float> f)
        {
            float[] v = new float[n];
            for (int i = 0; i < n; i++)
            {
                v[i] = f();
            }
            return v;
        }
        bool probabilities = Loss is "Dice" or "Tversky";
        _a = Make(() => probabilities ? (float)rng.NextDouble() : (float)(rng.NextDouble() * 4 - 2));
        _b = Make(() => probabilities ? MathF.Round((float)rng.NextDouble()) : (float)(rng.NextDouble() * 4 - 2));
        _c = Make(() => Loss switch
        {
            "GaussianNLL" => (float)(0.05 + rng.NextDouble() * 2),
            "MarginRanking" => rng.Next(2) == 0 ? -1 : 1,
            _ => (float)(rng.NextDouble() * 4 - 2),
        });
        if (Loss == "MultiLabelSoftMargin")
        {
            for (int i = 0; i < n; i++)
            {
                _b[i] = MathF.Round((float)rng.NextDouble());
            }
        }
        _ga = new float[n];
        _gb = new float[n];
        _gc = new float[n];
        _labels = new int[Rows];
        _targets = new float[Rows];
        for (int r = 0; r < Rows; r++)
        {
            _labels[r] = rng.Next(Columns);
            _targets[r] = rng.Next(2) == 0 ? -1 : 1;
        }
        Verify();
    }

    /// <summary>FastLoss against the scalar loop (in float here): value to 1e-4 relative, every gradient element to 1e-4 of the largest.</summary>
    private void Verify()
    {
        float expected = Scalar();
        float[][] want = [(float[])_ga.Clone(), (float[])_gb.Clone(), (float[])_gc.Clone()];
        float got = FastLoss();
        float[][] have = [_ga, _gb, _gc];
        if (!(Math.Abs(got - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected))))
        {
            throw new InvalidOperationException($"{Case}: FastLoss {got}, scalar loop {expected}");
        }
        for (int k = 0; k < 3; k++)
        {
            float max = 0;
            foreach (float v in want[k])
            {
                max = Math.Max(max, Math.Abs(v));
            }
            for (int i = 0; i < want[k].Length; i++)
            {
                if (!(Math.Abs(have[k][i] - want[k][i]) <= 1e-4 * max + 1e-12))
                {
                    throw new InvalidOperationException($"{Case}: gradient {k}[{i}] FastLoss {have[k][i]}, scalar loop {want[k][i]}");
                }
            }
        }
    }

    [Benchmark(Baseline = true)]
    public float Scalar()
    {
        int rows = Rows, d = Columns;
        float inv = 1f / rows, total = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> a = _a.AsSpan(r * d, d), b = _b.AsSpan(r * d, d), c = _c.AsSpan(r * d, d);
            Span<float> ga = _ga.AsSpan(r * d, d), gb = _gb.AsSpan(r * d, d), gc = _gc.AsSpan(r * d, d);
            switch (Loss)
            {
                case "MultiMargin":
                {
                    int y = _labels[r];
                    float xy = a[y], sum = 0, derivative = 0;
                    for (int j = 0; j < d; j++)
                    {
                        float h = j == y ? 0 : MathF.Max(0, 1 - xy + a[j]);
                        sum += h * h;
                        ga[j] = 2 * h * inv / d;
                        derivative += ga[j];
                    }
                    ga[y] = -derivative;
                    total += sum / d;
                    break;
                }
                case "CosineEmbedding":
                {
                    float dot = 0, na = 0, nb = 0;
                    for (int j = 0; j < d; j++)
                    {
                        dot += a[j] * b[j];
                        na += a[j] * a[j];
                        nb += b[j] * b[j];
                    }
                    na += 1e-12f;
                    nb += 1e-12f;
                    float den = MathF.Sqrt(na * nb), cos = dot / den;
                    float g = _targets[r] > 0 ? -inv : cos > 0 ? inv : 0;
                    total += _targets[r] > 0 ? 1 - cos : MathF.Max(0, cos);
                    for (int j = 0; j < d; j++)
                    {
                        ga[j] = g * (b[j] / den - cos * a[j] / na);
                        gb[j] = g * (a[j] / den - cos * b[j] / nb);
                    }
                    break;
                }
                case "TripletMargin":
                {
                    float sp = 0, sn = 0;
                    for (int j = 0; j < d; j++)
                    {
                        float u = a[j] - b[j] + 1e-6f, v = a[j] - c[j] + 1e-6f;
                        sp += u * u;
                        sn += v * v;
                    }
                    float dp = MathF.Sqrt(sp), dn = MathF.Sqrt(sn), hinge = dp - dn + 1;
                    total += MathF.Max(0, hinge);
                    float kp = hinge > 0 ? inv / dp : 0, kn = hinge > 0 ? inv / dn : 0;
                    for (int j = 0; j < d; j++)
                    {
                        float u = (a[j] - b[j] + 1e-6f) * kp, v = (a[j] - c[j] + 1e-6f) * kn;
                        ga[j] = u - v;
                        gb[j] = -u;
                        gc[j] = v;
                    }
                    break;
                }
                case "Tversky":
                {
                    float tp = 0, fp = 0, fn = 0;
                    for (int j = 0; j < d; j++)
                    {
                        tp += a[j] * b[j];
                        fp += a[j] * (1 - b[j]);
                        fn += (1 - a[j]) * b[j];
                    }
                    float num = tp + 1, den = tp + 0.3f * fp + 0.7f * fn + 1;
                    total += 1 - num / den;
                    float ka = inv * num * 0.3f / (den * den), kb = -inv * (den - num * (1 - 0.3f - 0.7f)) / (den * den);
                    for (int j = 0; j < d; j++)
                    {
                        ga[j] = ka + kb * b[j];
                    }
                    break;
                }
                case "MultiLabelSoftMargin":
                {
                    float sum = 0;
                    for (int j = 0; j < d; j++)
                    {
                        float x = a[j], t = b[j];
                        sum += MathF.Max(x, 0) - x * t + MathF.Log(1 + MathF.Exp(-MathF.Abs(x)));
                        ga[j] = (1 / (1 + MathF.Exp(-x)) - t) * inv / d;
                    }
                    total += sum / d;
                    break;
                }
                case "CrossEntropyZ":
                {
                    int y = _labels[r];
                    float max = a[0], sum = 0;
                    for (int j = 0; j < d; j++)
                    {
                        max = MathF.Max(max, a[j]);
                    }
                    for (int j = 0; j < d; j++)
                    {
                        sum += MathF.Exp(a[j] - max);
                    }
                    float lse = max + MathF.Log(sum);
                    total += lse - a[y] + 1e-4f * lse * lse;
                    float k = inv * (1 + 2e-4f * lse);
                    for (int j = 0; j < d; j++)
                    {
                        ga[j] = MathF.Exp(a[j] - lse) * k;
                    }
                    ga[y] -= inv;
                    break;
                }
                case "MarginRanking":
                {
                    for (int j = 0; j < d; j++)
                    {
                        float h = 0.5f - c[j] * (a[j] - b[j]);
                        total += MathF.Max(0, h);
                        ga[j] = h > 0 ? -c[j] / d : 0;
                        gb[j] = -ga[j];
                    }
                    total /= d;
                    break;
                }
                case "GaussianNLL":
                {
                    for (int j = 0; j < d; j++)
                    {
                        float v = MathF.Max(c[j], 1e-6f), diff = a[j] - b[j];
                        total += 0.5f * (MathF.Log(v) + diff * diff / v);
                        ga[j] = diff / v / d;
                        gc[j] = 0.5f * (1 / v - diff * diff / (v * v)) / d;
                    }
                    total /= d;
                    break;
                }
                default:
                {
                    float pt = 0, sp = 0, st = 0;
                    for (int j = 0; j < d; j++)
                    {
                        pt += a[j] * b[j];
                        sp += a[j];
                        st += b[j];
                    }
                    float num = 2 * pt + 1, den = sp + st + 1;
                    total += 1 - num / den;
                    float ka = inv * num / (den * den), kb = -2 * inv / den;
                    for (int j = 0; j < d; j++)
                    {
                        ga[j] = ka + kb * b[j];
                    }
                    break;
                }
            }
        }
        return total * inv;
    }

    /// <summary>Per row, the TensorPrimitives calls a user would write (Dot, SumOfSquares, Add, Max, Multiply, MultiplyAdd…).</summary>
    [Benchmark]
    public float TensorPrimitives()
    {
        int rows = Rows, d = Columns;
        float inv = 1f / rows, total = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> a = _a.AsSpan(r * d, d), b = _b.AsSpan(r * d, d), c = _c.AsSpan(r * d, d);
            Span<float> ga = _ga.AsSpan(r * d, d), gb = _gb.AsSpan(r * d, d), gc = _gc.AsSpan(r * d, d);
            switch (Loss)
            {
                case "MultiMargin":
                {
                    int y = _labels[r];
                    System.Numerics.Tensors.TensorPrimitives.Add(a, 1 - a[y], ga);
                    System.Numerics.Tensors.TensorPrimitives.Max(ga, 0f, ga);
                    ga[y] = 0;
                    total += System.Numerics.Tensors.TensorPrimitives.SumOfSquares<float>(ga) / d;
                    System.Numerics.Tensors.TensorPrimitives.Multiply(ga, 2 * inv / d, ga);
                    ga[y] = -System.Numerics.Tensors.TensorPrimitives.Sum<float>(ga);
                    break;
                }
                case "CosineEmbedding":
                {
                    float dot = System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
                    float na = System.Numerics.Tensors.TensorPrimitives.SumOfSquares(a) + 1e-12f, nb = System.Numerics.Tensors.TensorPrimitives.SumOfSquares(b) + 1e-12f;
                    float den = MathF.Sqrt(na * nb), cos = dot / den;
                    float g = _targets[r] > 0 ? -inv : cos > 0 ? inv : 0;
                    total += _targets[r] > 0 ? 1 - cos : MathF.Max(0, cos);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(b, g / den, ga);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(a, -g * cos / na, ga, ga);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(a, g / den, gb);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(b, -g * cos / nb, gb, gb);
                    break;
                }
                case "TripletMargin":
                {
                    // gb and gc hold a − p + eps and a − n + eps, then become the gradients.
                    System.Numerics.Tensors.TensorPrimitives.Subtract(a, b, gb);
                    System.Numerics.Tensors.TensorPrimitives.Add(gb, 1e-6f, gb);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(a, c, gc);
                    System.Numerics.Tensors.TensorPrimitives.Add(gc, 1e-6f, gc);
                    float dp = System.Numerics.Tensors.TensorPrimitives.Norm<float>(gb), dn = System.Numerics.Tensors.TensorPrimitives.Norm<float>(gc), hinge = dp - dn + 1;
                    total += MathF.Max(0, hinge);
                    float kp = hinge > 0 ? inv / dp : 0, kn = hinge > 0 ? inv / dn : 0;
                    System.Numerics.Tensors.TensorPrimitives.Multiply(gb, kp, gb);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(gc, kn, gc);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(gb, gc, ga);
                    System.Numerics.Tensors.TensorPrimitives.Negate(gb, gb);
                    break;
                }
                case "Tversky":
                {
                    // FP = Σp − TP, FN = Σt − TP.
                    float tp = System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
                    float fp = System.Numerics.Tensors.TensorPrimitives.Sum(a) - tp, fn = System.Numerics.Tensors.TensorPrimitives.Sum(b) - tp;
                    float num = tp + 1, den = tp + 0.3f * fp + 0.7f * fn + 1;
                    total += 1 - num / den;
                    System.Numerics.Tensors.TensorPrimitives.Multiply(b, -inv * (den - num * (1 - 0.3f - 0.7f)) / (den * den), ga);
                    System.Numerics.Tensors.TensorPrimitives.Add(ga, inv * num * 0.3f / (den * den), ga);
                    break;
                }
                case "MultiLabelSoftMargin":
                {
                    // softplus(x) − x·t, gradient σ(x) − t: Exp, Add, Log, Sum, Dot; Sigmoid, Subtract, Multiply.
                    System.Numerics.Tensors.TensorPrimitives.Exp(a, ga);
                    System.Numerics.Tensors.TensorPrimitives.Add(ga, 1f, ga);
                    System.Numerics.Tensors.TensorPrimitives.Log(ga, ga);
                    total += (System.Numerics.Tensors.TensorPrimitives.Sum<float>(ga) - System.Numerics.Tensors.TensorPrimitives.Dot(a, b)) / d;
                    System.Numerics.Tensors.TensorPrimitives.Sigmoid(a, ga);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(ga, b, ga);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(ga, inv / d, ga);
                    break;
                }
                case "CrossEntropyZ":
                {
                    int y = _labels[r];
                    float max = System.Numerics.Tensors.TensorPrimitives.Max(a);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(a, max, ga);
                    System.Numerics.Tensors.TensorPrimitives.Exp<float>(ga, ga);
                    float sum = System.Numerics.Tensors.TensorPrimitives.Sum<float>(ga);
                    float lse = max + MathF.Log(sum);
                    total += lse - a[y] + 1e-4f * lse * lse;
                    System.Numerics.Tensors.TensorPrimitives.Multiply(ga, inv * (1 + 2e-4f * lse) / sum, ga);
                    ga[y] -= inv;
                    break;
                }
                case "MarginRanking":
                {
                    // h = 0.5 − t·(x₁ − x₂); the gradient −t where h > 0: Subtract, Multiply, Subtract, Max, Sum; Sign-free: (h > 0) as min(max(h·2^60, 0), 1).
                    System.Numerics.Tensors.TensorPrimitives.Subtract(a, b, gb);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(gb, c, gb);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(0.5f, gb, gb);
                    System.Numerics.Tensors.TensorPrimitives.Max(gb, 0f, gb);
                    total += System.Numerics.Tensors.TensorPrimitives.Sum<float>(gb) / d;
                    System.Numerics.Tensors.TensorPrimitives.Multiply(gb, 1.1529215e18f, gb);
                    System.Numerics.Tensors.TensorPrimitives.Min(gb, 1f, gb);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(gb, c, gb);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(gb, 1f / d, gb);
                    System.Numerics.Tensors.TensorPrimitives.Negate(gb, ga);
                    break;
                }
                case "GaussianNLL":
                {
                    // v = max(var, eps); diff = μ − t; ½(log v + diff²/v); gradients diff/v and ½(1/v − diff²/v²).
                    System.Numerics.Tensors.TensorPrimitives.Max(c, 1e-6f, gc);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(a, b, ga);
                    System.Numerics.Tensors.TensorPrimitives.Divide(ga, gc, ga);
                    System.Numerics.Tensors.TensorPrimitives.Log(gc, gb);
                    float sum = System.Numerics.Tensors.TensorPrimitives.Sum<float>(gb);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(a, b, gb);
                    sum += System.Numerics.Tensors.TensorPrimitives.Dot(gb, ga);
                    total += 0.5f * sum / d;
                    // ½(1 − diff·(diff/v))/v
                    System.Numerics.Tensors.TensorPrimitives.Multiply(gb, ga, gb);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(1f, gb, gb);
                    System.Numerics.Tensors.TensorPrimitives.Divide(gb, gc, gc);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(gc, 0.5f / d, gc);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(ga, 1f / d, ga);
                    break;
                }
                default:
                {
                    float pt = System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
                    float sp = System.Numerics.Tensors.TensorPrimitives.Sum(a), st = System.Numerics.Tensors.TensorPrimitives.Sum(b);
                    float num = 2 * pt + 1, den = sp + st + 1;
                    total += 1 - num / den;
                    System.Numerics.Tensors.TensorPrimitives.Multiply(b, -2 * inv / den, ga);
                    System.Numerics.Tensors.TensorPrimitives.Add(ga, inv * num / (den * den), ga);
                    break;
                }
            }
        }
        return total * inv;
    }

    /// <summary>
    /// The memory traffic alone, no loss: each input the loss reads loaded once and each gradient it writes stored
    /// once, in the widest vectors (each store the inputs' sum). No implementation of the loss runs faster than this
    /// on the machine: a target above it is out of reach.
    /// </summary>
    [Benchmark]
    public float Roofline() => Vector512.IsHardwareAccelerated ? Roofline<W512<float>>()
        : Vector256.IsHardwareAccelerated ? Roofline<W256<float>>()
        : Roofline<W128<float>>();

    /// <summary>The roofline's loop on vectors <typeparamref name="TVec"/> (FastLoss's own hardware vectors: plain loads, adds and stores).</summary>
    private float Roofline<TVec>() where TVec : struct, IVec<TVec, float>
    {
        (int inputs, int outputs) = Traffic(Loss);
        ref float x0 = ref _a[0], x1 = ref _b[0], x2 = ref _c[0];
        ref float y0 = ref _ga[0], y1 = ref _gb[0], y2 = ref _gc[0];
        nuint n = (nuint)_a.Length, width = (nuint)TVec.Count;
        TVec total = default;
        for (nuint i = 0; i + width <= n; i += width)
        {
            TVec s = TVec.Load(ref x0, i);
            if (inputs > 1) { s += TVec.Load(ref x1, i); }
            if (inputs > 2) { s += TVec.Load(ref x2, i); }
            total += s;
            TVec.Store(s, ref y0, i);
            if (outputs > 1) { TVec.Store(s, ref y1, i); }
            if (outputs > 2) { TVec.Store(s, ref y2, i); }
        }
        return TVec.ReduceSum(total);
    }

    [Benchmark]
    public float FastLoss() => Loss switch
    {
        "MultiMargin" => global::FastLoss.Loss.MultiMargin<float>(_a, _labels, Columns, _ga, p: 2),
        "CosineEmbedding" => global::FastLoss.Loss.CosineEmbedding<float>(_a, _b, _targets, Columns, _ga, _gb),
        "TripletMargin" => global::FastLoss.Loss.TripletMargin<float>(_a, _b, _c, Columns, _ga, _gb, _gc),
        "Tversky" => global::FastLoss.Loss.Tversky<float>(_a, _b, Columns, _ga, alpha: 0.3, beta: 0.7),
        "MultiLabelSoftMargin" => global::FastLoss.Loss.MultiLabelSoftMargin<float>(_a, _b, Columns, _ga),
        "CrossEntropyZ" => global::FastLoss.Loss.CrossEntropy<float>(_a, _labels, Columns, _ga, 1e-4),
        "MarginRanking" => global::FastLoss.Loss.MarginRanking<float>(_a, _b, _c, _ga, _gb, margin: 0.5),
        "GaussianNLL" => global::FastLoss.Loss.GaussianNegativeLogLikelihood<float>(_a, _b, _c, _ga, _gc),
        _ => global::FastLoss.Loss.Dice<float>(_a, _b, Columns, _ga),
    };
}
