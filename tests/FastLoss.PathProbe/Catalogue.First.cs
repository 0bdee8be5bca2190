using System;
using System.Collections.Generic;
using System.Linq;

namespace FastLoss.PathProbe;

/// <summary>
/// The registry's entries for the first seventeen losses (golden cases in TestData/pytorch-losses*.jsonl.gz, whose
/// names these are; <c>poisson_nll</c> is the wider catalogue's entry, which runs the cases of both files).
/// </summary>
public static partial class Catalogue
{
    private static IEnumerable<Entry> FirstEntries()
    {
        yield return Make("mse",
            (c, g) => Loss.MeanSquaredError<float>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (c, g) => Loss.MeanSquaredError<double>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (r, n) => Elementwise(Normal(r, n), Normal(r, n),
                (x, y, red) => Loss.MeanSquaredError<float>(x, y, red), (x, y, g, red) => Loss.MeanSquaredError<float>(x, y, g, red), (x, y, o) => Loss.MeanSquaredErrorPerElement<float>(x, y, o),
                (x, y, red) => Loss.MeanSquaredError<double>(x, y, red), (x, y, g, red) => Loss.MeanSquaredError<double>(x, y, g, red), (x, y, o) => Loss.MeanSquaredErrorPerElement<double>(x, y, o)),
            ("targets", g => Loss.MeanSquaredError<float>([1, 2], [1], g.AsSpan(0, 2))),
            ("reduction", g => Loss.MeanSquaredError<float>([1, 2], [1, 2], g.AsSpan(0, 2), (Reduction)7)));

        yield return Make("mae",
            (c, g) => Loss.MeanAbsoluteError<float>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (c, g) => Loss.MeanAbsoluteError<double>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (r, n) => Elementwise(Normal(r, n), Normal(r, n),
                (x, y, red) => Loss.MeanAbsoluteError<float>(x, y, red), (x, y, g, red) => Loss.MeanAbsoluteError<float>(x, y, g, red), (x, y, o) => Loss.MeanAbsoluteErrorPerElement<float>(x, y, o),
                (x, y, red) => Loss.MeanAbsoluteError<double>(x, y, red), (x, y, g, red) => Loss.MeanAbsoluteError<double>(x, y, g, red), (x, y, o) => Loss.MeanAbsoluteErrorPerElement<double>(x, y, o)),
            ("targets", g => Loss.MeanAbsoluteError<float>([1, 2], [1], g.AsSpan(0, 2))));

        yield return Make("rmse",
            (c, g) => Loss.RootMeanSquaredError<float>(c.Inputs["input"], c.Targets, g["input"]),
            (c, g) => Loss.RootMeanSquaredError<double>(c.Inputs["input"], c.Targets, g["input"]),
            (r, n) =>
            {
                float[] x = Normal(r, n), y = Normal(r, n), g = new float[n];
                double[] xd = D(x), yd = D(y), gd = new double[n];
                return bits =>
                {
                    Add(bits, Loss.RootMeanSquaredError<float>(x, y));
                    Add(bits, Loss.RootMeanSquaredError<float>(x, y, g));
                    Add(bits, g);
                    Add(bits, Loss.RootMeanSquaredError<double>(xd, yd));
                    Add(bits, Loss.RootMeanSquaredError<double>(xd, yd, gd));
                    Add(bits, gd);
                };
            },
            ("targets", g => Loss.RootMeanSquaredError<float>([1, 2], [1], g.AsSpan(0, 2))),
            ("gradient", g => Loss.RootMeanSquaredError<float>([1, 2], [1, 2], g.AsSpan(0, 3))));

        yield return Make("huber",
            (c, g) => Loss.Huber<float>(c.Inputs["input"], c.Targets, g["input"], (float)c.Param("delta", 1), c.Reduction),
            (c, g) => Loss.Huber<double>(c.Inputs["input"], c.Targets, g["input"], c.Param("delta", 1), c.Reduction),
            (r, n) => Elementwise(Normal(r, n), Normal(r, n),
                (x, y, red) => Loss.Huber<float>(x, y, 1.5f, red), (x, y, g, red) => Loss.Huber<float>(x, y, g, 1.5f, red), (x, y, o) => Loss.HuberPerElement<float>(x, y, o, 1.5f),
                (x, y, red) => Loss.Huber<double>(x, y, 1.5, red), (x, y, g, red) => Loss.Huber<double>(x, y, g, 1.5, red), (x, y, o) => Loss.HuberPerElement<double>(x, y, o, 1.5)),
            ("delta", g => Loss.Huber<float>([1, 2], [1, 2], g.AsSpan(0, 2), 0f)),
            ("targets", g => Loss.Huber<float>([1, 2], [1], g.AsSpan(0, 2), 1f)));

        yield return Make("smooth_l1",
            (c, g) => Loss.SmoothL1<float>(c.Inputs["input"], c.Targets, g["input"], (float)c.Param("beta", 1), c.Reduction),
            (c, g) => Loss.SmoothL1<double>(c.Inputs["input"], c.Targets, g["input"], c.Param("beta", 1), c.Reduction),
            (r, n) => Elementwise(Normal(r, n), Normal(r, n),
                (x, y, red) => Loss.SmoothL1<float>(x, y, 0.5f, red), (x, y, g, red) => Loss.SmoothL1<float>(x, y, g, 0.5f, red), (x, y, o) => Loss.SmoothL1PerElement<float>(x, y, o, 0.5f),
                (x, y, red) => Loss.SmoothL1<double>(x, y, 0.5, red), (x, y, g, red) => Loss.SmoothL1<double>(x, y, g, 0.5, red), (x, y, o) => Loss.SmoothL1PerElement<double>(x, y, o, 0.5)),
            ("beta", g => Loss.SmoothL1<float>([1, 2], [1, 2], g.AsSpan(0, 2), -1f)),
            ("targets", g => Loss.SmoothL1<float>([1, 2], [1], g.AsSpan(0, 2), 1f)));

        yield return Make("log_cosh",
            (c, g) => Loss.LogCosh<float>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (c, g) => Loss.LogCosh<double>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (r, n) => Elementwise(Normal(r, n, 10), Normal(r, n, 10),
                (x, y, red) => Loss.LogCosh<float>(x, y, red), (x, y, g, red) => Loss.LogCosh<float>(x, y, g, red), (x, y, o) => Loss.LogCoshPerElement<float>(x, y, o),
                (x, y, red) => Loss.LogCosh<double>(x, y, red), (x, y, g, red) => Loss.LogCosh<double>(x, y, g, red), (x, y, o) => Loss.LogCoshPerElement<double>(x, y, o)),
            ("targets", g => Loss.LogCosh<float>([1, 2], [1], g.AsSpan(0, 2))));

        yield return Make("quantile",
            (c, g) => Loss.Quantile<float>(c.Inputs["input"], c.Targets, g["input"], (float)c.Param("quantile", 0.5), c.Reduction),
            (c, g) => Loss.Quantile<double>(c.Inputs["input"], c.Targets, g["input"], c.Param("quantile", 0.5), c.Reduction),
            (r, n) => Elementwise(Normal(r, n), Normal(r, n),
                (x, y, red) => Loss.Quantile<float>(x, y, 0.9f, red), (x, y, g, red) => Loss.Quantile<float>(x, y, g, 0.9f, red), (x, y, o) => Loss.QuantilePerElement<float>(x, y, o, 0.9f),
                (x, y, red) => Loss.Quantile<double>(x, y, 0.9, red), (x, y, g, red) => Loss.Quantile<double>(x, y, g, 0.9, red), (x, y, o) => Loss.QuantilePerElement<double>(x, y, o, 0.9)),
            ("quantile", g => Loss.Quantile<float>([1, 2], [1, 2], g.AsSpan(0, 2), 1.5f)),
            ("targets", g => Loss.Quantile<float>([1, 2], [1], g.AsSpan(0, 2), 0.5f)));

        yield return Make("bce",
            (c, g) => Loss.BinaryCrossEntropy<float>(c.Inputs["input"], c.Targets, g["input"], c.Reduction, c.Weights),
            (c, g) => Loss.BinaryCrossEntropy<double>(c.Inputs["input"], c.Targets, g["input"], c.Reduction, c.Weights),
            (r, n) =>
            {
                float[] w = Uniform(r, n, 0, 2);
                double[] wd = D(w);
                return Elementwise(Uniform(r, n, 0, 1), Uniform(r, n, 0, 1),
                    (x, y, red) => Loss.BinaryCrossEntropy<float>(x, y, red, w), (x, y, g, red) => Loss.BinaryCrossEntropy<float>(x, y, g, red, w), (x, y, o) => Loss.BinaryCrossEntropyPerElement<float>(x, y, o),
                    (x, y, red) => Loss.BinaryCrossEntropy<double>(x, y, red), (x, y, g, red) => Loss.BinaryCrossEntropy<double>(x, y, g, red, wd), (x, y, o) => Loss.BinaryCrossEntropyPerElement<double>(x, y, o, wd));
            },
            ("probabilities", g => Loss.BinaryCrossEntropy<float>([0.5f, 1.5f], [1, 0], g.AsSpan(0, 2))),
            ("targets", g => Loss.BinaryCrossEntropy<float>([0.5f, 0.5f], [1], g.AsSpan(0, 2))));

        yield return Make("bce_logits",
            (c, g) => Loss.BinaryCrossEntropyWithLogits<float>(c.Inputs["input"], c.Targets, g["input"], c.Reduction, c.Weights, c.Optional("pos_weight")),
            (c, g) => Loss.BinaryCrossEntropyWithLogits<double>(c.Inputs["input"], c.Targets, g["input"], c.Reduction, c.Weights, c.Optional("pos_weight")),
            (r, n) =>
            {
                float[] w = Uniform(r, n, 0, 2);
                double[] wd = D(w);
                return Elementwise(Normal(r, n, 10), Uniform(r, n, 0, 1),
                    (x, y, red) => Loss.BinaryCrossEntropyWithLogits<float>(x, y, red, w, 3f), (x, y, g, red) => Loss.BinaryCrossEntropyWithLogits<float>(x, y, g, red, w, 3f),
                    (x, y, o) => Loss.BinaryCrossEntropyWithLogitsPerElement<float>(x, y, o),
                    (x, y, red) => Loss.BinaryCrossEntropyWithLogits<double>(x, y, red), (x, y, g, red) => Loss.BinaryCrossEntropyWithLogits<double>(x, y, g, red, wd, 0.5),
                    (x, y, o) => Loss.BinaryCrossEntropyWithLogitsPerElement<double>(x, y, o, wd, 0.5));
            },
            ("targets", g => Loss.BinaryCrossEntropyWithLogits<float>([1, 2], [1], g.AsSpan(0, 2))),
            ("weights", g => Loss.BinaryCrossEntropyWithLogits<float>([1, 2], [1, 0], g.AsSpan(0, 2), weights: [1f])));

        yield return Make("hinge",
            (c, g) => Loss.Hinge<float>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (c, g) => Loss.Hinge<double>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (r, n) => Elementwise(Normal(r, n), Signs(r, n),
                (x, y, red) => Loss.Hinge<float>(x, y, red), (x, y, g, red) => Loss.Hinge<float>(x, y, g, red), (x, y, o) => Loss.HingePerElement<float>(x, y, o),
                (x, y, red) => Loss.Hinge<double>(x, y, red), (x, y, g, red) => Loss.Hinge<double>(x, y, g, red), (x, y, o) => Loss.HingePerElement<double>(x, y, o)),
            ("targets", g => Loss.Hinge<float>([1, 2], [1, 0.5f], g.AsSpan(0, 2))));

        yield return Make("squared_hinge",
            (c, g) => Loss.SquaredHinge<float>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (c, g) => Loss.SquaredHinge<double>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (r, n) => Elementwise(Normal(r, n), Signs(r, n),
                (x, y, red) => Loss.SquaredHinge<float>(x, y, red), (x, y, g, red) => Loss.SquaredHinge<float>(x, y, g, red), (x, y, o) => Loss.SquaredHingePerElement<float>(x, y, o),
                (x, y, red) => Loss.SquaredHinge<double>(x, y, red), (x, y, g, red) => Loss.SquaredHinge<double>(x, y, g, red), (x, y, o) => Loss.SquaredHingePerElement<double>(x, y, o)),
            ("targets", g => Loss.SquaredHinge<float>([1, 2], [1, 0], g.AsSpan(0, 2))));

        yield return Make("focal",
            (c, g) => Loss.SigmoidFocal<float>(c.Inputs["input"], c.Targets, g["input"], c.Reduction, c.Param("alpha", 0.25), c.Param("gamma", 2)),
            (c, g) => Loss.SigmoidFocal<double>(c.Inputs["input"], c.Targets, g["input"], c.Reduction, c.Param("alpha", 0.25), c.Param("gamma", 2)),
            (r, n) =>
            {
                float[] x = Normal(r, n, 5), y = Uniform(r, n, 0, 1);
                // Each kind of γ compiles to a kernel of its own: 0, 1, 2 and any other.
                Action<List<long>>[] runs = new[] { 0.0, 1.0, 2.0, 1.5 }.Select(gamma => Elementwise(x, y,
                    (a, b, red) => Loss.SigmoidFocal<float>(a, b, red, 0.25, gamma), (a, b, g, red) => Loss.SigmoidFocal<float>(a, b, g, red, 0.25, gamma),
                    (a, b, o) => Loss.SigmoidFocalPerElement<float>(a, b, o, -1, gamma),
                    (a, b, red) => Loss.SigmoidFocal<double>(a, b, red, 0.25, gamma), (a, b, g, red) => Loss.SigmoidFocal<double>(a, b, g, red, 0.25, gamma),
                    (a, b, o) => Loss.SigmoidFocalPerElement<double>(a, b, o, 0.5, gamma))).ToArray();
                return bits =>
                {
                    foreach (Action<List<long>> run in runs)
                    {
                        run(bits);
                    }
                };
            },
            ("gamma", g => Loss.SigmoidFocal<float>([1, 2], [1, 0], g.AsSpan(0, 2), gamma: -1)),
            ("targets", g => Loss.SigmoidFocal<float>([1, 2], [1], g.AsSpan(0, 2))));

        yield return Make("cross_entropy",
            (c, g) => Loss.CrossEntropy<float>(c.Inputs["input"], c.Labels, c.Columns, g["input"], c.Reduction, c.ClassWeights, (int)c.Param("ignore_index", -100), c.Param("label_smoothing", 0)),
            (c, g) => Loss.CrossEntropy<double>(c.Inputs["input"], c.Labels, c.Columns, g["input"], c.Reduction, c.ClassWeights, (int)c.Param("ignore_index", -100), c.Param("label_smoothing", 0)),
            (r, n) =>
            {
                // Narrow rows (the transposed blocks) and long ones (the three passes over a row).
                Action<List<long>>[] runs = new[] { 10, 301 }.Select(classes => LabelRows(r, n, classes, 5,
                    (x, l, k, red) => Loss.CrossEntropy<float>(x, l, k, red), (x, l, k, g, red, w) => Loss.CrossEntropy<float>(x, l, k, g, red, w, labelSmoothing: 0.1),
                    (x, l, k, o, w) => Loss.CrossEntropyPerRow<float>(x, l, k, o, w),
                    (x, l, k, g, red, w) => Loss.CrossEntropy<double>(x, l, k, g, red, w, labelSmoothing: 0.1))).ToArray();
                return bits =>
                {
                    foreach (Action<List<long>> run in runs)
                    {
                        run(bits);
                    }
                };
            },
            ("labels", g => Loss.CrossEntropy<float>([1, 2], [5], 2, g.AsSpan(0, 2))),
            ("labelSmoothing", g => Loss.CrossEntropy<float>([1, 2], [1], 2, g.AsSpan(0, 2), labelSmoothing: 2)),
            ("classWeights", g => Loss.CrossEntropy<float>([1, 2], [1], 2, g.AsSpan(0, 2), classWeights: [1f])));

        yield return Make("cross_entropy_soft",
            (c, g) => Loss.CrossEntropy<float>(c.Inputs["input"], c.Targets, c.Columns, g["input"], c.Reduction, c.Param("label_smoothing", 0)),
            (c, g) => Loss.CrossEntropy<double>(c.Inputs["input"], c.Targets, c.Columns, g["input"], c.Reduction, c.Param("label_smoothing", 0)),
            (r, n) =>
            {
                Action<List<long>>[] runs = new[] { 10, 301 }.Select(classes =>
                {
                    int rows = Math.Max(2, n / classes);
                    float[] x = Normal(r, rows * classes, 10), t = Distributions(r, rows, classes), g = new float[x.Length], per = new float[rows];
                    double[] xd = D(x), td = D(t), gd = new double[x.Length];
                    return (Action<List<long>>)(bits =>
                    {
                        foreach (Reduction red in Reductions)
                        {
                            Add(bits, Loss.CrossEntropy<float>(x, t, classes, red));
                            Add(bits, Loss.CrossEntropy<float>(x, t, classes, g, red, 0.1));
                            Add(bits, g);
                            Add(bits, Loss.CrossEntropy<double>(xd, td, classes, gd, red, 0.1));
                            Add(bits, gd);
                        }
                        Loss.CrossEntropyPerRow<float>(x, t, classes, per);
                        Add(bits, per);
                    });
                }).ToArray();
                return bits =>
                {
                    foreach (Action<List<long>> run in runs)
                    {
                        run(bits);
                    }
                };
            },
            ("targets", g => Loss.CrossEntropy<float>([1, 2], [1f], 2, g.AsSpan(0, 2))),
            ("labelSmoothing", g => Loss.CrossEntropy<float>([1, 2], [0.5f, 0.5f], 2, g.AsSpan(0, 2), labelSmoothing: -1)));

        yield return Make("nll",
            (c, g) => Loss.NegativeLogLikelihood<float>(c.Inputs["input"], c.Labels, c.Columns, g["input"], c.Reduction, c.ClassWeights, (int)c.Param("ignore_index", -100)),
            (c, g) => Loss.NegativeLogLikelihood<double>(c.Inputs["input"], c.Labels, c.Columns, g["input"], c.Reduction, c.ClassWeights, (int)c.Param("ignore_index", -100)),
            (r, n) => LabelRows(r, n, 37, 5,
                (x, l, k, red) => Loss.NegativeLogLikelihood<float>(x, l, k, red), (x, l, k, g, red, w) => Loss.NegativeLogLikelihood<float>(x, l, k, g, red, w),
                (x, l, k, o, w) => Loss.NegativeLogLikelihoodPerRow<float>(x, l, k, o, w),
                (x, l, k, g, red, w) => Loss.NegativeLogLikelihood<double>(x, l, k, g, red, w)),
            ("labels", g => Loss.NegativeLogLikelihood<float>([-1, -2], [2], 2, g.AsSpan(0, 2))),
            ("logProbabilities", g => Loss.NegativeLogLikelihood<float>([-1, -2, -3], [0], 2, g.AsSpan(0, 3))));

        yield return Make("kl_div",
            (c, g) => Loss.KullbackLeiblerDivergence<float>(c.Inputs["input"], c.Targets, c.Columns, g["input"], c.Reduction, c.Flag("log_target")),
            (c, g) => Loss.KullbackLeiblerDivergence<double>(c.Inputs["input"], c.Targets, c.Columns, g["input"], c.Reduction, c.Flag("log_target")),
            (r, n) =>
            {
                int classes = 29, rows = Math.Max(2, n / classes);
                float[] x = Uniform(r, rows * classes, -8, 0), t = Distributions(r, rows, classes), lt = Uniform(r, rows * classes, -8, 0);
                float[] g = new float[x.Length];
                double[] xd = D(x), td = D(t), gd = new double[x.Length];
                return bits =>
                {
                    foreach (Reduction red in Reductions)
                    {
                        Add(bits, Loss.KullbackLeiblerDivergence<float>(x, t, classes, red));
                        Add(bits, Loss.KullbackLeiblerDivergence<float>(x, t, classes, g, red));
                        Add(bits, g);
                        Add(bits, Loss.KullbackLeiblerDivergence<float>(x, lt, classes, g, red, logTarget: true));
                        Add(bits, g);
                        Add(bits, Loss.KullbackLeiblerDivergence<double>(xd, td, classes, gd, red));
                        Add(bits, gd);
                    }
                    Loss.KullbackLeiblerDivergencePerElement<float>(x, t, g);
                    Add(bits, g);
                };
            },
            ("targets", g => Loss.KullbackLeiblerDivergence<float>([-1, -2], [0.5f], 2, g.AsSpan(0, 2))),
            ("logProbabilities", g => Loss.KullbackLeiblerDivergence<float>([-1, -2, -3], [0.5f, 0.25f, 0.25f], 2, g.AsSpan(0, 3))));
    }

    /// <summary>Rows of probabilities that sum to 1 (some zeros, as targets have).</summary>
    private static float[] Distributions(Random r, int rows, int classes)
    {
        float[] t = new float[rows * classes];
        for (int row = 0; row < rows; row++)
        {
            double total = 0;
            for (int j = 0; j < classes; j++)
            {
                double v = r.Next(4) == 0 ? 0 : r.NextDouble();
                t[row * classes + j] = (float)v;
                total += v;
            }
            for (int j = 0; j < classes; j++)
            {
                t[row * classes + j] = total == 0 ? 1f / classes : (float)(t[row * classes + j] / total);
            }
        }
        return t;
    }

    /// <summary>A loss over rows with integer labels (one ignored) and class weights: value, fused and per-row, Mean and Sum, float and double.</summary>
    private static Action<List<long>> LabelRows(Random r, int n, int classes, double scale,
        Func<float[], int[], int, Reduction, float> valueF, Func<float[], int[], int, float[], Reduction, float[], float> fusedF, Action<float[], int[], int, float[], float[]> perF,
        Func<double[], int[], int, double[], Reduction, double[], double> fusedD)
    {
        int rows = Math.Max(2, n / classes);
        float[] x = Normal(r, rows * classes, scale), w = Uniform(r, classes, 0, 2), g = new float[x.Length], per = new float[rows];
        int[] labels = Labels(r, rows, classes);
        labels[1] = -100;
        double[] xd = D(x), wd = D(w), gd = new double[x.Length];
        return bits =>
        {
            foreach (Reduction red in Reductions)
            {
                Add(bits, valueF(x, labels, classes, red));
                Add(bits, fusedF(x, labels, classes, g, red, w));
                Add(bits, g);
                Add(bits, fusedD(xd, labels, classes, gd, red, wd));
                Add(bits, gd);
            }
            perF(x, labels, classes, per, w);
            Add(bits, per);
        };
    }
}
