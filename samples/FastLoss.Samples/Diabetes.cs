using System;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Numerics.Tensors;

namespace FastLoss.Samples;

/// <summary>
/// Linear regression on the 442 diabetes patients with a combined objective, 0.7·MSE + 0.3·Huber(δ = 1), through
/// <see cref="Objective{T}"/>: a seeded 80/20 split (the permutation of <see cref="Datasets.Permutation"/> with seed 0:
/// its first 353 rows train), features standardised with the training rows' statistics, the target as it is;
/// w[10] = 0, b = 0, full-batch gradient descent, learning rate 0.1, 200 steps. Prints the training R² in place of
/// an accuracy (on the <c>accuracy</c> line), then RMSE, MAE and R² on the held-out rows (through <see cref="Metric"/>).
/// </summary>
public sealed class Diabetes<T> : Trainer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public const int Features = 10;
    private readonly T[] _x, _y, _testX, _testY, _predictions, _testPredictions, _dPredictions, _parameters, _gradients;
    private readonly Objective<T> _objective = new(ObjectiveTerm.MeanSquaredError(T.CreateTruncating(0.7)), ObjectiveTerm.Huber(T.CreateTruncating(0.3), T.One));
    private readonly T _rate = T.CreateTruncating(0.1);

    public Diabetes()
    {
        Dataset data = Datasets.Diabetes();
        int[] order = Datasets.Permutation(data.Rows, seed: 0);
        int train = data.Rows * 8 / 10;
        int[] trainRows = order[..train], testRows = order[train..];
        double[] features = (double[])data.Features.Clone();
        Datasets.Standardize(features, Features, trainRows, features);
        _x = Datasets.Take<T>(features, Features, trainRows);
        _y = Datasets.Take<T>(data.Targets, 1, trainRows);
        _testX = Datasets.Take<T>(features, Features, testRows);
        _testY = Datasets.Take<T>(data.Targets, 1, testRows);
        _predictions = new T[train];
        _dPredictions = new T[train];
        _testPredictions = new T[testRows.Length];
        _parameters = new T[Features + 1];
        _gradients = new T[Features + 1];
    }

    public override int Steps => 200;

    private void Predict(ReadOnlySpan<T> x, Span<T> predictions)
    {
        ReadOnlySpan<T> w = _parameters.AsSpan(0, Features);
        for (int i = 0; i < predictions.Length; i++)
        {
            predictions[i] = TensorPrimitives.Dot(x.Slice(i * Features, Features), w) + _parameters[Features];
        }
    }

    public override T Step(int step)
    {
        Predict(_x, _predictions);
        T loss = _objective.Evaluate(_predictions, _y, _dPredictions);
        Dense.WeightGradient<T>(_x, _dPredictions, _gradients.AsSpan(0, Features), Features, 1);
        Dense.ColumnSums<T>(_dPredictions, 1, _gradients.AsSpan(Features));
        Dense.Descend<T>(_parameters, _gradients, _rate);
        return loss;
    }

    public override T Loss()
    {
        Predict(_x, _predictions);
        return _objective.Value(_predictions, _y);
    }

    public override (string Name, double Value) Score()
    {
        Predict(_x, _predictions);
        // The samples' output has an "accuracy" line after the final loss; a regression puts its R² there.
        return ("accuracy", Metric.R2Score<T>(_predictions, _y));
    }

    public override void Report(TextWriter output)
    {
        Predict(_testX, _testPredictions);
        output.WriteLine($"test rmse {Metric.RootMeanSquaredError<T>(_testPredictions, _testY).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        output.WriteLine($"test mae {Metric.MeanAbsoluteError<T>(_testPredictions, _testY).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        output.WriteLine($"test r2 {Metric.R2Score<T>(_testPredictions, _testY).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }
}
