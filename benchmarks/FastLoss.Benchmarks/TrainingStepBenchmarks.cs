using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FastLoss.Samples;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace FastLoss.Benchmarks;

/// <summary>
/// One full training step (forward, loss, backward, update) of the sample trainers <c>digits</c> (softmax regression,
/// 1797×10, full batch) and <c>digits-mlp</c> (64–128–10, a minibatch of 32), float, one thread, with the loss
/// computed by FastLoss, by a TensorPrimitives composition and by a scalar loop; <c>Loss</c> times the loss alone on
/// the same logits, and the <c>Loss share</c> column is its part of the step. Each loss is checked against FastLoss's
/// before anything is timed.
/// </summary>
[Config(typeof(LossShareConfig))]
public class TrainingSteps
{
    private Trainer<float> _trainer = null!;
    private float[] _scratch = [];
    private int _step;

    [Params("digits", "digits-mlp")]
    public string Trainer { get; set; } = "digits";

    [Params("FastLoss", "TensorPrimitives", "Scalar")]
    public string LossBy { get; set; } = "FastLoss";

    private CrossEntropyLoss<float>? Loss => LossBy switch
    {
        "FastLoss" => null,
        "TensorPrimitives" => CrossEntropyCompositions.TensorPrimitives,
        _ => CrossEntropyCompositions.Scalar,
    };

    [GlobalSetup(Target = nameof(Step))]
    public void SetupStep() => Tiering.Settle(Setup, Step);

    [GlobalSetup(Target = nameof(LossAlone))]
    public void SetupLossAlone() => Tiering.Settle(Setup, LossAlone);

    /// <summary>The data; each measured method's own setup (above) then lets its tiered compilation settle.</summary>
    public void Setup()
    {
        Parallelism.MaxThreads = 1;
        _trainer = Make(Loss);
        _scratch = new float[1797 * 10];
        // The same first steps with FastLoss and with this loss: the same losses to 1e-5.
        Trainer<float> reference = Make(null);
        for (int i = 0; i < 3; i++)
        {
            float want = reference.Step(i), got = _trainer.Step(i);
            if (!(Math.Abs(got - want) <= 1e-5f * Math.Abs(want)))
            {
                throw new InvalidOperationException($"{Trainer} with {LossBy}: step {i} loss {got}, FastLoss {want}");
            }
        }
        _step = 3;
    }

    private Trainer<float> Make(CrossEntropyLoss<float>? loss) => Trainer == "digits" ? new Digits<float>(loss: loss) : new DigitsMlp<float>(loss);

    /// <summary>Forward, loss, backward, update.</summary>
    [Benchmark]
    public float Step() => _trainer.Step(_step++);

    /// <summary>The step's loss alone, on the last step's logits.</summary>
    [Benchmark]
    public float LossAlone() => _trainer is Digits<float> digits ? digits.LossOfLogits(_scratch) : ((DigitsMlp<float>)_trainer).LossOfLastBatch(_scratch);

    private sealed class LossShareConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public LossShareConfig() => AddColumn(new LossShareColumn());
    }

    /// <summary>For a step: the median of the loss alone over the median of the step with the same parameters.</summary>
    private sealed class LossShareColumn : IColumn
    {
        public string Id => nameof(LossShareColumn);
        public string ColumnName => "Loss share";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "The loss alone (LossAlone) as a part of the whole step (Step), same trainer and loss";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            if (benchmarkCase.Descriptor.WorkloadMethod.Name != nameof(Step))
            {
                return "-";
            }
            BenchmarkReport? step = summary[benchmarkCase];
            BenchmarkReport? loss = summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(LossAlone)
                && r.BenchmarkCase.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo);
            double? a = loss?.ResultStatistics?.Median, b = step?.ResultStatistics?.Median;
            return a is double l && b is double s && s > 0 ? $"{100 * l / s:F1}%" : "?";
        }
    }
}

/// <summary>The mean softmax cross-entropy with labels and label smoothing, and its gradient, without FastLoss.</summary>
public static class CrossEntropyCompositions
{
    /// <summary>Per row in TensorPrimitives: Max, Subtract, Exp, Sum, then the loss lse − Σ t'x and the gradient (softmax − t')/rows.</summary>
    public static float TensorPrimitives(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, Span<float> gradient, double labelSmoothing)
    {
        int rows = labels.Length;
        float eps = (float)labelSmoothing, inv = 1f / rows, off = eps / classes;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> x = logits.Slice(r * classes, classes);
            Span<float> g = gradient.Slice(r * classes, classes);
            float max = TP.Max(x);
            TP.Subtract(x, max, g);
            TP.Exp(g, g);
            float sum = TP.Sum(g);
            float lse = MathF.Log(sum) + max;
            int y = labels[r];
            total += lse - (1 - eps) * x[y] - off * TP.Sum(x);
            TP.Multiply(g, inv / sum, g);
            TP.Add(g, -off * inv, g);
            g[y] -= (1 - eps) * inv;
        }
        return (float)(total / rows);
    }

    /// <summary>The same in plain loops of <see cref="MathF"/>.</summary>
    public static float Scalar(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, Span<float> gradient, double labelSmoothing)
    {
        int rows = labels.Length;
        float eps = (float)labelSmoothing, inv = 1f / rows, off = eps / classes;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> x = logits.Slice(r * classes, classes);
            Span<float> g = gradient.Slice(r * classes, classes);
            float max = float.NegativeInfinity, sum = 0, all = 0;
            for (int c = 0; c < classes; c++)
            {
                max = MathF.Max(max, x[c]);
            }
            for (int c = 0; c < classes; c++)
            {
                g[c] = MathF.Exp(x[c] - max);
                sum += g[c];
                all += x[c];
            }
            int y = labels[r];
            total += MathF.Log(sum) + max - (1 - eps) * x[y] - off * all;
            for (int c = 0; c < classes; c++)
            {
                g[c] = (g[c] / sum - off) * inv;
            }
            g[y] -= (1 - eps) * inv;
        }
        return (float)(total / rows);
    }
}
