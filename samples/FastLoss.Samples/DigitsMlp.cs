using System;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Numerics.Tensors;

namespace FastLoss.Samples;

/// <summary>
/// A 64–128–10 perceptron with ReLU on the digits (pixels / 16): a seeded 80/20 split (<see cref="Datasets.Permutation"/>,
/// seed 0: its first 1437 rows train), PyTorch's default initialisation of a linear layer (weights and biases uniform
/// in ±1/√fan_in) drawn from <see cref="Random"/>(42), minibatch SGD with momentum (PyTorch's: v = μv + g, p −= lr·v;
/// lr 0.05, μ 0.9), minibatches of 32 in an order shuffled each epoch with <see cref="Random"/>(7), 20 epochs (900
/// steps), cross-entropy with label smoothing 0.1. Prints the held-out accuracy and each class's F1 through
/// <see cref="ClassificationMetrics"/>.
/// </summary>
public sealed class DigitsMlp<T> : Trainer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public const int Inputs = 64, Hidden = 128, Classes = 10, BatchSize = 32, Epochs = 20;
    private const double Smoothing = 0.1;
    private readonly T[] _x, _testX;
    private readonly int[] _labels, _testLabels, _order;
    private readonly T[] _parameters, _gradients, _velocity;
    private readonly T[] _batchX, _hidden, _logits, _dLogits, _dHidden, _allHidden, _allLogits, _testHidden, _testLogits;
    private readonly int[] _batchLabels;
    private readonly Random _shuffle = new(7);
    private readonly CrossEntropyLoss<T>? _loss;
    private int _lastRows; // the rows of the last step's minibatch
    private readonly T _rate = T.CreateTruncating(0.05), _momentum = T.CreateTruncating(0.9);

    /// <param name="loss">Another cross-entropy in place of FastLoss's: the training-step benchmark's.</param>
    public DigitsMlp(CrossEntropyLoss<T>? loss = null)
    {
        _loss = loss;
        Dataset data = Datasets.Digits();
        int[] order = Datasets.Permutation(data.Rows, seed: 0);
        int train = data.Rows * 8 / 10;
        double[] pixels = new double[data.Features.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = data.Features[i] / 16;
        }
        _x = Datasets.Take<T>(pixels, Inputs, order.AsSpan(0, train));
        _testX = Datasets.Take<T>(pixels, Inputs, order.AsSpan(train));
        _labels = new int[train];
        _testLabels = new int[data.Rows - train];
        for (int i = 0; i < data.Rows; i++)
        {
            int label = (int)data.Targets[order[i]];
            if (i < train)
            {
                _labels[i] = label;
            }
            else
            {
                _testLabels[i - train] = label;
            }
        }
        _order = [.. System.Linq.Enumerable.Range(0, train)];
        _parameters = new T[Inputs * Hidden + Hidden + Hidden * Classes + Classes];
        _gradients = new T[_parameters.Length];
        _velocity = new T[_parameters.Length];
        Random init = new(42);
        Uniform(init, W1, 1 / Math.Sqrt(Inputs));
        Uniform(init, B1, 1 / Math.Sqrt(Inputs));
        Uniform(init, W2, 1 / Math.Sqrt(Hidden));
        Uniform(init, B2, 1 / Math.Sqrt(Hidden));
        _batchX = new T[BatchSize * Inputs];
        _batchLabels = new int[BatchSize];
        _hidden = new T[BatchSize * Hidden];
        _logits = new T[BatchSize * Classes];
        _dLogits = new T[BatchSize * Classes];
        _dHidden = new T[BatchSize * Hidden];
        _allHidden = new T[train * Hidden];
        _allLogits = new T[train * Classes];
        _testHidden = new T[_testLabels.Length * Hidden];
        _testLogits = new T[_testLabels.Length * Classes];
    }

    private static void Uniform(Random rng, Span<T> values, double bound)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating((rng.NextDouble() * 2 - 1) * bound);
        }
    }

    private int BatchesPerEpoch => (_labels.Length + BatchSize - 1) / BatchSize;

    public override int Steps => Epochs * BatchesPerEpoch;

    // The parameters in one span: W1[128×64], b1[128], W2[10×128], b2[10] ([outputs × inputs], as nn.Linear; the
    // gradients and velocities likewise).
    private Span<T> W1 => _parameters.AsSpan(0, Inputs * Hidden);
    private Span<T> B1 => _parameters.AsSpan(Inputs * Hidden, Hidden);
    private Span<T> W2 => _parameters.AsSpan(Inputs * Hidden + Hidden, Hidden * Classes);
    private Span<T> B2 => _parameters.AsSpan(Inputs * Hidden + Hidden + Hidden * Classes, Classes);

    private void Forward(ReadOnlySpan<T> x, Span<T> hidden, Span<T> logits)
    {
        Dense.Linear<T>(x, W1, B1, hidden, Inputs, Hidden);
        TensorPrimitives.Max(hidden, T.Zero, hidden);
        Dense.Linear<T>(hidden, W2, B2, logits, Hidden, Classes);
    }

    public override T Step(int step)
    {
        int batch = step % BatchesPerEpoch;
        if (batch == 0)
        {
            _shuffle.Shuffle(_order);
        }
        int start = batch * BatchSize, rows = Math.Min(BatchSize, _labels.Length - start);
        _lastRows = rows;
        for (int r = 0; r < rows; r++)
        {
            int row = _order[start + r];
            _x.AsSpan(row * Inputs, Inputs).CopyTo(_batchX.AsSpan(r * Inputs));
            _batchLabels[r] = _labels[row];
        }
        Span<T> x = _batchX.AsSpan(0, rows * Inputs), hidden = _hidden.AsSpan(0, rows * Hidden);
        Span<T> logits = _logits.AsSpan(0, rows * Classes), dLogits = _dLogits.AsSpan(0, rows * Classes), dHidden = _dHidden.AsSpan(0, rows * Hidden);
        Forward(x, hidden, logits);
        T loss = _loss is null
            ? FastLoss.Loss.CrossEntropy<T>(logits, _batchLabels.AsSpan(0, rows), Classes, dLogits, labelSmoothing: Smoothing)
            : _loss(logits, _batchLabels.AsSpan(0, rows), Classes, dLogits, Smoothing);
        Span<T> g = _gradients;
        Dense.WeightGradient<T>(hidden, dLogits, g.Slice(Inputs * Hidden + Hidden, Hidden * Classes), Hidden, Classes);
        Dense.ColumnSums<T>(dLogits, Classes, g.Slice(Inputs * Hidden + Hidden + Hidden * Classes, Classes));
        Dense.InputGradient<T>(dLogits, W2, dHidden, Hidden, Classes);
        // ReLU's derivative: 0 where the unit was off.
        for (int i = 0; i < dHidden.Length; i++)
        {
            if (!(hidden[i] > T.Zero))
            {
                dHidden[i] = T.Zero;
            }
        }
        Dense.WeightGradient<T>(x, dHidden, g.Slice(0, Inputs * Hidden), Inputs, Hidden);
        Dense.ColumnSums<T>(dHidden, Hidden, g.Slice(Inputs * Hidden, Hidden));
        // v = μv + g; p −= lr·v.
        TensorPrimitives.MultiplyAdd(_velocity, _momentum, g, _velocity);
        Dense.Descend<T>(_parameters, _velocity, _rate);
        return loss;
    }

    /// <summary>The loss of the last step's minibatch logits again, into a scratch gradient (the benchmark's loss alone).</summary>
    public T LossOfLastBatch(Span<T> gradient)
    {
        int rows = _lastRows;
        return _loss is null
            ? FastLoss.Loss.CrossEntropy<T>(_logits.AsSpan(0, rows * Classes), _batchLabels.AsSpan(0, rows), Classes, gradient.Slice(0, rows * Classes), labelSmoothing: Smoothing)
            : _loss(_logits.AsSpan(0, rows * Classes), _batchLabels.AsSpan(0, rows), Classes, gradient.Slice(0, rows * Classes), Smoothing);
    }

    public override T Loss()
    {
        Forward(_x, _allHidden, _allLogits);
        return FastLoss.Loss.CrossEntropy<T>(_allLogits, _labels, Classes, labelSmoothing: Smoothing);
    }

    public override (string Name, double Value) Score()
    {
        Forward(_x, _allHidden, _allLogits);
        return ("accuracy", Metric.Accuracy<T>(_allLogits, _labels, Classes));
    }

    public override void Report(TextWriter output)
    {
        Forward(_testX, _testHidden, _testLogits);
        ClassificationMetrics metrics = new(Classes);
        metrics.Add<T>(_testLogits, _testLabels);
        output.WriteLine($"test accuracy {metrics.Accuracy.ToString(CultureInfo.InvariantCulture)}");
        for (int c = 0; c < Classes; c++)
        {
            output.WriteLine($"test f1 {c} {metrics.F1ScoreOf(c).ToString(CultureInfo.InvariantCulture)}");
        }
        output.WriteLine($"test macro f1 {metrics.F1Score().ToString(CultureInfo.InvariantCulture)}");
    }
}
