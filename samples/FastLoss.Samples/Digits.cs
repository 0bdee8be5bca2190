using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace FastLoss.Samples;

/// <summary>
/// Softmax regression on the 1797 digits: features = pixels / 16, W[64×10] = 0 (kept transposed, [10×64], as
/// nn.Linear keeps it), b[10] = 0, full-batch gradient
/// descent, learning rate 0.5, 200 steps, loss = mean cross-entropy over all rows (FastLoss's fused
/// <see cref="FastLoss.Loss.CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, int, Span{T}, Reduction, ReadOnlySpan{T}, int, double)"/>);
/// dW = Xᵀ·∂L/∂logits, db = its column sums. Data-parallel: this process's contiguous shard of the rows, its
/// <see cref="Shard"/> partial and gradient with the whole batch's count, dW and db summed over the processes.
/// </summary>
public sealed class Digits<T> : Trainer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public const int Features = 64, Classes = 10;
    private readonly ICollective? _collective;
    private readonly CrossEntropyLoss<T>? _loss;
    private readonly int _batchRows, _rows;
    private readonly T[] _x, _logits, _dLogits, _parameters, _gradients;
    private readonly int[] _labels;
    private readonly T _rate = T.CreateTruncating(0.5);

    /// <param name="collective">The processes of a data-parallel run (null: this process alone, the plain losses).</param>
    /// <param name="loss">Another cross-entropy in place of FastLoss's (one process only): the training-step benchmark's.</param>
    public Digits(ICollective? collective = null, CrossEntropyLoss<T>? loss = null)
    {
        _loss = loss;
        Dataset data = Datasets.Digits();
        _collective = collective;
        _batchRows = data.Rows;
        (int start, int end) = collective is null ? (0, data.Rows) : collective.Shard(data.Rows);
        _rows = end - start;
        _x = new T[_rows * Features];
        _labels = new int[_rows];
        for (int r = 0; r < _rows; r++)
        {
            for (int j = 0; j < Features; j++)
            {
                _x[r * Features + j] = T.CreateTruncating(data.Features[(start + r) * Features + j] / 16);
            }
            _labels[r] = (int)data.Targets[start + r];
        }
        _logits = new T[_rows * Classes];
        _dLogits = new T[_rows * Classes];
        // Wᵀ then b, and their gradients likewise: one span to sum over the processes.
        _parameters = new T[Features * Classes + Classes];
        _gradients = new T[Features * Classes + Classes];
    }

    public override int Steps => 200;

    private Span<T> W => _parameters.AsSpan(0, Features * Classes);
    private Span<T> B => _parameters.AsSpan(Features * Classes);

    public override T Step(int step)
    {
        Dense.Linear<T>(_x, W, B, _logits, Features, Classes);
        T loss;
        if (_loss is not null)
        {
            loss = _loss(_logits, _labels, Classes, _dLogits, 0);
        }
        else if (_collective is null)
        {
            loss = FastLoss.Loss.CrossEntropy<T>(_logits, _labels, Classes, _dLogits);
        }
        else
        {
            LossPartial part = Shard.CrossEntropy<T>(_logits, _labels, Classes, _batchRows, _dLogits);
            loss = _collective.Merge(part).Value<T>();
        }
        Dense.WeightGradient<T>(_x, _dLogits, _gradients.AsSpan(0, Features * Classes), Features, Classes);
        Dense.ColumnSums<T>(_dLogits, Classes, _gradients.AsSpan(Features * Classes));
        _collective?.SumInPlace<T>(_gradients);
        Dense.Descend<T>(_parameters, _gradients, _rate);
        return loss;
    }

    public override T Loss()
    {
        Dense.Linear<T>(_x, W, B, _logits, Features, Classes);
        return _collective is null
            ? FastLoss.Loss.CrossEntropy<T>(_logits, _labels, Classes)
            : _collective.Merge(Shard.CrossEntropy<T>(_logits, _labels, Classes)).Value<T>();
    }

    public override (string Name, double Value) Score()
    {
        Dense.Linear<T>(_x, W, B, _logits, Features, Classes);
        double accuracy = _rows == 0 ? 0 : Metric.Accuracy<T>(_logits, _labels, Classes);
        Span<double> correct = [accuracy * _rows, _rows];
        _collective?.SumInPlace(correct);
        return ("accuracy", Math.Round(correct[0]) / correct[1]);
    }

    /// <summary>The logits of the training rows for the current parameters (for tests and the benchmark).</summary>
    public ReadOnlySpan<T> Logits => _logits;

    /// <summary>The loss of the last step's logits again, into a scratch gradient (the benchmark's loss alone).</summary>
    public T LossOfLogits(Span<T> gradient) => _loss is null
        ? FastLoss.Loss.CrossEntropy<T>(_logits, _labels, Classes, gradient)
        : _loss(_logits, _labels, Classes, gradient, 0);

    /// <summary>The parameters: Wᵀ[10×64] row-major, then b[10].</summary>
    public ReadOnlySpan<T> Parameters => _parameters;

    /// <summary>The training rows' pixels / 16 and labels (for the benchmark's other losses).</summary>
    public ReadOnlySpan<T> Inputs => _x;
    public ReadOnlySpan<int> Labels => _labels;
}
