using System;
using System.Linq;
using System.Numerics;
using System.Numerics.Tensors;

namespace FastLoss.Samples;

/// <summary>
/// Logistic regression on the 569 tumours: features standardised (mean 0, population standard deviation 1, over
/// all rows), w[30] = 0, b = 0, full-batch gradient descent, learning rate 0.1, 200 steps, mean BCE with logits
/// (label 1 = benign, as in the file); predicted positive where the logit is &gt; 0. Data-parallel as <see cref="Digits{T}"/>.
/// </summary>
public sealed class BreastCancer<T> : Trainer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public const int Features = 30;
    private readonly ICollective? _collective;
    private readonly int _batchRows, _rows;
    private readonly T[] _x, _targets, _logits, _dLogits, _parameters, _gradients;
    private readonly T _rate = T.CreateTruncating(0.1);

    public BreastCancer(ICollective? collective = null)
    {
        Dataset data = Datasets.BreastCancer();
        double[] features = (double[])data.Features.Clone();
        int[] all = [.. Enumerable.Range(0, data.Rows)];
        Datasets.Standardize(features, Features, all, features);
        _collective = collective;
        _batchRows = data.Rows;
        (int start, int end) = collective is null ? (0, data.Rows) : collective.Shard(data.Rows);
        int[] mine = all[start..end];
        _rows = mine.Length;
        _x = Datasets.Take<T>(features, Features, mine);
        _targets = Datasets.Take<T>(data.Targets, 1, mine);
        _logits = new T[_rows];
        _dLogits = new T[_rows];
        _parameters = new T[Features + 1]; // w, then b
        _gradients = new T[Features + 1];
    }

    public override int Steps => 200;

    private void Forward()
    {
        ReadOnlySpan<T> w = _parameters.AsSpan(0, Features);
        T b = _parameters[Features];
        for (int i = 0; i < _rows; i++)
        {
            _logits[i] = TensorPrimitives.Dot(_x.AsSpan(i * Features, Features), w) + b;
        }
    }

    public override T Step(int step)
    {
        Forward();
        T loss;
        if (_collective is null)
        {
            loss = FastLoss.Loss.BinaryCrossEntropyWithLogits<T>(_logits, _targets, _dLogits);
        }
        else
        {
            loss = _collective.Merge(Shard.BinaryCrossEntropyWithLogits<T>(_logits, _targets, _batchRows, _dLogits)).Value<T>();
        }
        // dw = Xᵀ·g, db = Σg.
        Dense.WeightGradient<T>(_x, _dLogits, _gradients.AsSpan(0, Features), Features, 1);
        Dense.ColumnSums<T>(_dLogits, 1, _gradients.AsSpan(Features));
        _collective?.SumInPlace<T>(_gradients);
        Dense.Descend<T>(_parameters, _gradients, _rate);
        return loss;
    }

    public override T Loss()
    {
        Forward();
        return _collective is null
            ? FastLoss.Loss.BinaryCrossEntropyWithLogits<T>(_logits, _targets)
            : _collective.Merge(Shard.BinaryCrossEntropyWithLogits<T>(_logits, _targets)).Value<T>();
    }

    public override (string Name, double Value) Score()
    {
        Forward();
        int correct = 0;
        for (int i = 0; i < _rows; i++)
        {
            correct += (_logits[i] > T.Zero) == (_targets[i] == T.One) ? 1 : 0;
        }
        Span<double> counts = [correct, _rows];
        _collective?.SumInPlace(counts);
        return ("accuracy", counts[0] / counts[1]);
    }
}
