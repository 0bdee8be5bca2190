using System;
using System.Numerics;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace FastLoss.Benchmarks;

/// <summary>
/// Softmax cross-entropy with labels, rows × classes: small rows (256×10), a classifier head (256×1000) and a
/// vocabulary (64×32000). Scalar loop (baseline), the per-row TensorPrimitives composition, FastLoss.
/// </summary>
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
public class CrossEntropy<T> : ISized where T : unmanaged, IBinaryFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>
{
    private T[] _logits = [], _gradient = [];
    private int[] _labels = [];

    [Params("256x10", "256x1000", "64x32000")]
    public string Shape { get; set; } = "256x1000";

    [Params(Form.Fused, Form.Value)]
    public Form Form { get; set; } = Form.Fused;

    /// <summary>Labels (cross_entropy with class indices), soft targets (probabilities per row), or NLL on log-probabilities.</summary>
    [Params("Labels", "SoftTargets", "NLL")]
    public string Variant { get; set; } = "Labels";

    private T[] _targets = [];

    private int Rows => int.Parse(Shape.AsSpan(0, Shape.IndexOf('x')), System.Globalization.CultureInfo.InvariantCulture);
    private int Classes => int.Parse(Shape.AsSpan(Shape.IndexOf('x') + 1), System.Globalization.CultureInfo.InvariantCulture);

    public long Elements => (long)Rows * Classes;
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
        Random rng = new(42);
        _logits = new T[Rows * Classes];
        _gradient = new T[Rows * Classes];
        _labels = new int[Rows];
        for (int i = 0; i < _logits.Length; i++)
        {
            _logits[i] = T.CreateTruncating(rng.NextDouble() * 8 - 4);
        }
        for (int r = 0; r < Rows; r++)
        {
            _labels[r] = rng.Next(Classes);
        }
        _targets = new T[Rows * Classes];
        for (int i = 0; i < _targets.Length; i++)
        {
            _targets[i] = T.CreateTruncating(rng.NextDouble() * 2 / Classes);
        }
        Verify();
    }

    /// <summary>FastLoss on this case's data against the scalar loop in double (see <see cref="Verification"/>).</summary>
    private void Verify()
    {
        CrossEntropy<double> reference = new() { Shape = Shape, Form = Form.Fused, Variant = Variant };
        reference._logits = Verification.Widen(_logits);
        reference._targets = Verification.Widen(_targets);
        reference._labels = _labels;
        reference._gradient = new double[_gradient.Length];
        double expected = reference.Scalar();
        T loss = FastLoss();
        Verification.Check<T>($"{Variant} {typeof(T).Name} {Shape} {Form}", loss, expected, Form == Form.Fused ? _gradient : default,
            Form == Form.Fused ? reference._gradient : default);
    }

    [Benchmark(Baseline = true)]
    [BytesPerElement(1, 1)]
    public T Scalar()
    {
        if (Variant != "Labels")
        {
            return ScalarOther();
        }
        int classes = Classes;
        T total = T.Zero, inv = T.One / T.CreateTruncating(Rows);
        bool fused = Form == Form.Fused;
        for (int r = 0; r < _labels.Length; r++)
        {
            ReadOnlySpan<T> row = _logits.AsSpan(r * classes, classes);
            T max = row[0];
            foreach (T v in row)
            {
                max = T.Max(max, v);
            }
            T sum = T.Zero;
            foreach (T v in row)
            {
                sum += T.Exp(v - max);
            }
            total += T.Log(sum) + max - row[_labels[r]];
            if (fused)
            {
                Span<T> g = _gradient.AsSpan(r * classes, classes);
                T k = inv / sum;
                for (int c = 0; c < classes; c++)
                {
                    g[c] = T.Exp(row[c] - max) * k;
                }
                g[_labels[r]] -= inv;
            }
        }
        return total * inv;
    }

    private T ScalarOther()
    {
        int classes = Classes;
        T total = T.Zero, inv = T.One / T.CreateTruncating(Rows);
        bool fused = Form == Form.Fused;
        if (Variant == "NLL")
        {
            if (fused)
            {
                Array.Clear(_gradient);
            }
            for (int r = 0; r < _labels.Length; r++)
            {
                total -= _logits[r * classes + _labels[r]];
                if (fused)
                {
                    _gradient[r * classes + _labels[r]] = -inv;
                }
            }
            return total * inv;
        }
        for (int r = 0; r < _labels.Length; r++)
        {
            ReadOnlySpan<T> row = _logits.AsSpan(r * classes, classes), t = _targets.AsSpan(r * classes, classes);
            T max = row[0], sum = T.Zero, targetSum = T.Zero, dot = T.Zero;
            foreach (T v in row)
            {
                max = T.Max(max, v);
            }
            for (int c = 0; c < classes; c++)
            {
                sum += T.Exp(row[c] - max);
                targetSum += t[c];
                dot += t[c] * row[c];
            }
            T lse = T.Log(sum) + max;
            total += targetSum * lse - dot;
            if (fused)
            {
                Span<T> g = _gradient.AsSpan(r * classes, classes);
                for (int c = 0; c < classes; c++)
                {
                    g[c] = (targetSum * T.Exp(row[c] - lse) - t[c]) * inv;
                }
            }
        }
        return total * inv;
    }

    /// <summary>Per row: Max, Subtract, Exp, Sum, Log (and Multiply for the gradient), into the gradient row.</summary>
    [Benchmark]
    [BytesPerElement(1, 1)]
    public T TensorPrimitives()
    {
        if (Variant != "Labels")
        {
            throw new NotSupportedException("the TensorPrimitives composition is measured for labels");
        }
        int classes = Classes;
        T total = T.Zero, inv = T.One / T.CreateTruncating(Rows);
        bool fused = Form == Form.Fused;
        for (int r = 0; r < _labels.Length; r++)
        {
            ReadOnlySpan<T> row = _logits.AsSpan(r * classes, classes);
            Span<T> g = _gradient.AsSpan(r * classes, classes);
            T max = System.Numerics.Tensors.TensorPrimitives.Max(row);
            System.Numerics.Tensors.TensorPrimitives.Subtract(row, max, g);
            System.Numerics.Tensors.TensorPrimitives.Exp<T>(g, g);
            T sum = System.Numerics.Tensors.TensorPrimitives.Sum<T>(g);
            total += T.Log(sum) + max - row[_labels[r]];
            if (fused)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(g, inv / sum, g);
                g[_labels[r]] -= inv;
            }
        }
        return total * inv;
    }

    [Benchmark]
    [BytesPerElement(1, 1)]
    public T FastLoss() => (Variant, Form) switch
    {
        ("Labels", Form.Fused) => global::FastLoss.Loss.CrossEntropy<T>(_logits, _labels, Classes, _gradient),
        ("Labels", _) => global::FastLoss.Loss.CrossEntropy<T>(_logits, _labels, Classes),
        ("SoftTargets", Form.Fused) => global::FastLoss.Loss.CrossEntropy<T>(_logits, _targets, Classes, _gradient),
        ("SoftTargets", _) => global::FastLoss.Loss.CrossEntropy<T>(_logits, _targets, Classes),
        (_, Form.Fused) => global::FastLoss.Loss.NegativeLogLikelihood<T>(_logits, _labels, Classes, _gradient),
        _ => global::FastLoss.Loss.NegativeLogLikelihood<T>(_logits, _labels, Classes),
    };
}
