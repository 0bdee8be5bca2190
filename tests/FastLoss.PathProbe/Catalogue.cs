using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Text.Json;

namespace FastLoss.PathProbe;

/// <summary>One case of TestData/pytorch-more-losses.jsonl.gz or TestData/pytorch-losses*.jsonl.gz, its numbers in <typeparamref name="T"/>.</summary>
public sealed class GoldenCase<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public required string Loss { get; init; }
    public required Reduction Reduction { get; init; }
    public required JsonElement Params { get; init; }
    public required int Columns { get; init; }
    public required Dictionary<string, T[]> Inputs { get; init; }
    public required JsonElement Target { get; init; }
    public required T[] ClassWeights { get; init; }
    public required double Value { get; init; }
    public required Dictionary<string, double[]> Gradients { get; init; }

    public T[] Targets => Target.EnumerateArray().Select(e => T.CreateTruncating(e.GetDouble())).ToArray();
    public int[] Labels => Target.EnumerateArray().Select(e => e.GetInt32()).ToArray();
    public double Param(string name, double fallback) => Params.TryGetProperty(name, out JsonElement v) ? v.GetDouble() : fallback;
    public bool Flag(string name, bool fallback = false) => Params.TryGetProperty(name, out JsonElement v) ? v.GetBoolean() : fallback;
    /// <summary>A parameter that may be absent (then null).</summary>
    public T? Optional(string name) => Params.TryGetProperty(name, out JsonElement v) ? T.CreateTruncating(v.GetDouble()) : null;
    /// <summary>The per-element weights, or none.</summary>
    public T[] Weights => Inputs.TryGetValue("weight", out T[]? w) ? w : [];

    public static GoldenCase<T> From(JsonElement c)
    {
        static T[] Array(JsonElement e) => e.EnumerateArray().Select(x => T.CreateTruncating(x.GetDouble())).ToArray();
        if (!c.TryGetProperty("inputs", out _))
        {
            // TestData/pytorch-losses*.jsonl.gz (the first seventeen losses): one input, its gradient, optional weights.
            Dictionary<string, T[]> inputs = new() { ["input"] = Array(c.GetProperty("input")) };
            if (c.TryGetProperty("weight", out JsonElement weight) && weight.ValueKind == JsonValueKind.Array)
            {
                inputs["weight"] = Array(weight);
            }
            return new()
            {
                Loss = c.GetProperty("loss").GetString()!,
                Reduction = c.GetProperty("reduction").GetString() == "mean" ? Reduction.Mean : Reduction.Sum,
                Params = c.GetProperty("params"),
                Columns = c.TryGetProperty("shape", out JsonElement s) && s.ValueKind == JsonValueKind.Array ? s[1].GetInt32() : 0,
                Inputs = inputs,
                Target = c.GetProperty("target"),
                ClassWeights = c.TryGetProperty("class_weights", out JsonElement cw) && cw.ValueKind == JsonValueKind.Array ? Array(cw) : [],
                Value = c.GetProperty("value").GetDouble(),
                Gradients = new() { ["input"] = c.GetProperty("gradient").EnumerateArray().Select(e => e.GetDouble()).ToArray() },
            };
        }
        return new()
        {
            Loss = c.GetProperty("loss").GetString()!,
            Reduction = c.GetProperty("reduction").GetString() == "mean" ? Reduction.Mean : Reduction.Sum,
            Params = c.GetProperty("params"),
            Columns = c.TryGetProperty("shape", out JsonElement shape) && shape.ValueKind == JsonValueKind.Array ? shape[1].GetInt32() : 0,
            Inputs = c.GetProperty("inputs").EnumerateObject().ToDictionary(p => p.Name, p => Array(p.Value)),
            Target = c.TryGetProperty("target", out JsonElement target) ? target : default,
            ClassWeights = c.TryGetProperty("class_weights", out JsonElement w) && w.ValueKind == JsonValueKind.Array ? Array(w) : [],
            Value = c.GetProperty("value").GetDouble(),
            Gradients = c.GetProperty("gradients").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetDouble()).ToArray()),
        };
    }
}

/// <summary>
/// The registry of the losses (the wider catalogue's here, the first seventeen's in Catalogue.First.cs): each entry runs its loss on a golden case (by the file's name of the
/// loss) and on generated inputs (<see cref="Entry.Setup"/>), which the golden tests, the determinism tests across every
/// path (and the path probe's catalogue hash), the allocation tests and the bad-input tests all enumerate. A new loss adds its file in src/FastLoss/Losses
/// and one entry here.
/// </summary>
public static partial class Catalogue
{
    /// <summary>A loss of the catalogue.</summary>
    public sealed class Entry
    {
        public required string Name { get; init; }
        /// <summary>Runs the fused form on a float golden case, writing the gradients by the file's names.</summary>
        public required Func<GoldenCase<float>, Dictionary<string, float[]>, float> RunFloat { get; init; }
        /// <summary>The same for double.</summary>
        public required Func<GoldenCase<double>, Dictionary<string, double[]>, double> RunDouble { get; init; }
        /// <summary>
        /// Makes valid inputs and outputs of about <c>n</c> elements and returns the run over them: value, fused and
        /// per-element/per-row forms, Mean and Sum, float and double, each result's bits appended to the list (the same
        /// on every path). The run itself allocates nothing (given a list with room).
        /// </summary>
        public required Func<Random, int, Action<List<long>>> Setup { get; init; }
        /// <summary>Calls with one bad argument each: every one must throw an ArgumentException naming that parameter, writing nothing.</summary>
        public required (string Parameter, Action<float[]> Call)[] BadInputs { get; init; }

        /// <summary>The bits of one run on fresh inputs.</summary>
        public void Workload(Random random, int n, List<long> bits) => Setup(random, n)(bits);

        public T Run<T>(GoldenCase<T> c, Dictionary<string, T[]> gradients) where T : unmanaged, IBinaryFloatingPointIeee754<T>
            => typeof(T) == typeof(float)
                ? (T)(object)RunFloat((GoldenCase<float>)(object)c, (Dictionary<string, float[]>)(object)gradients)
                : (T)(object)RunDouble((GoldenCase<double>)(object)c, (Dictionary<string, double[]>)(object)gradients);
    }

    /// <summary>The entries by the golden file's name of the loss.</summary>
    public static readonly IReadOnlyDictionary<string, Entry> Golden = Entries().Concat(FirstEntries()).ToDictionary(e => e.Name);

    public static IEnumerable<Entry> All => Golden.Values;

    private static Entry Make(string name, Func<GoldenCase<float>, Dictionary<string, float[]>, float> f, Func<GoldenCase<double>, Dictionary<string, double[]>, double> d,
        Func<Random, int, Action<List<long>>> setup, params (string, Action<float[]>)[] bad)
        => new() { Name = name, RunFloat = f, RunDouble = d, Setup = setup, BadInputs = bad };

    private static float[] Normal(Random r, int n, double scale = 1) => Enumerable.Range(0, n).Select(_ => (float)(scale * (r.NextDouble() * 2 - 1) * 3)).ToArray();
    private static float[] Uniform(Random r, int n, double low, double high) => Enumerable.Range(0, n).Select(_ => (float)(low + (high - low) * r.NextDouble())).ToArray();
    private static float[] Rounded(float[] v) => v.Select(x => MathF.Round(x)).ToArray();
    private static float[] Signs(Random r, int n) => Enumerable.Range(0, n).Select(_ => r.Next(2) == 0 ? -1f : 1f).ToArray();
    private static int[] Labels(Random r, int rows, int classes) => Enumerable.Range(0, rows).Select(_ => r.Next(classes)).ToArray();
    private static double[] D(float[] v) => v.Select(x => (double)x).ToArray();
    private static readonly Reduction[] Reductions = [Reduction.Mean, Reduction.Sum];
    private static readonly int[] Powers = [1, 2];
    private static readonly (int, bool)[] TripletOptions = [(2, false), (2, true), (1, false), (1, true)];

    private static void Add(List<long> bits, float v) => bits.Add(BitConverter.SingleToInt32Bits(v));
    private static void Add(List<long> bits, double v) => bits.Add(BitConverter.DoubleToInt64Bits(v));

    private static void Add(List<long> bits, float[] v)
    {
        foreach (float x in v)
        {
            bits.Add(BitConverter.SingleToInt32Bits(x));
        }
    }

    private static void Add(List<long> bits, double[] v)
    {
        foreach (double x in v)
        {
            bits.Add(BitConverter.DoubleToInt64Bits(x));
        }
    }

    /// <summary>A loss over equal-length element spans (x, y): value, fused and per-element, float and double, Mean and Sum.</summary>
    private static Action<List<long>> Elementwise(float[] x, float[] y,
        Func<float[], float[], Reduction, float> valueF, Func<float[], float[], float[], Reduction, float> fusedF, Action<float[], float[], float[]> perF,
        Func<double[], double[], Reduction, double> valueD, Func<double[], double[], double[], Reduction, double> fusedD, Action<double[], double[], double[]> perD)
    {
        double[] xd = D(x), yd = D(y);
        float[] g = new float[x.Length];
        double[] gd = new double[x.Length];
        return bits =>
        {
            foreach (Reduction reduction in Reductions)
            {
                Add(bits, valueF(x, y, reduction));
                Add(bits, fusedF(x, y, g, reduction));
                Add(bits, g);
                Add(bits, valueD(xd, yd, reduction));
                Add(bits, fusedD(xd, yd, gd, reduction));
                Add(bits, gd);
            }
            perF(x, y, g);
            Add(bits, g);
            perD(xd, yd, gd);
            Add(bits, gd);
        };
    }

    private static IEnumerable<Entry> Entries()
    {
        yield return Make("soft_margin",
            (c, g) => Loss.SoftMargin<float>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (c, g) => Loss.SoftMargin<double>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (r, n) => Elementwise(Normal(r, n, 10), Signs(r, n),
                (x, y, red) => Loss.SoftMargin<float>(x, y, red), (x, y, g, red) => Loss.SoftMargin<float>(x, y, g, red), (x, y, o) => Loss.SoftMarginPerElement<float>(x, y, o),
                (x, y, red) => Loss.SoftMargin<double>(x, y, red), (x, y, g, red) => Loss.SoftMargin<double>(x, y, g, red), (x, y, o) => Loss.SoftMarginPerElement<double>(x, y, o)),
            ("targets", g => Loss.SoftMargin<float>([1, 2], [1, 0.5f], g.AsSpan(0, 2))),
            ("targets", g => Loss.SoftMargin<float>([1, 2], [1], g.AsSpan(0, 2))));

        yield return Make("msle",
            (c, g) => Loss.MeanSquaredLogarithmicError<float>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (c, g) => Loss.MeanSquaredLogarithmicError<double>(c.Inputs["input"], c.Targets, g["input"], c.Reduction),
            (r, n) => Elementwise(Uniform(r, n, -0.9, 50), Uniform(r, n, 0, 50),
                (x, y, red) => Loss.MeanSquaredLogarithmicError<float>(x, y, red), (x, y, g, red) => Loss.MeanSquaredLogarithmicError<float>(x, y, g, red), (x, y, o) => Loss.MeanSquaredLogarithmicErrorPerElement<float>(x, y, o),
                (x, y, red) => Loss.MeanSquaredLogarithmicError<double>(x, y, red), (x, y, g, red) => Loss.MeanSquaredLogarithmicError<double>(x, y, g, red), (x, y, o) => Loss.MeanSquaredLogarithmicErrorPerElement<double>(x, y, o)),
            ("predictions", g => Loss.MeanSquaredLogarithmicError<float>([1, -1], [1, 0], g.AsSpan(0, 2))),
            ("targets", g => Loss.MeanSquaredLogarithmicError<float>([1, 0], [1, -2], g.AsSpan(0, 2))));

        yield return Make("poisson_nll",
            (c, g) => Loss.PoissonNegativeLogLikelihood<float>(c.Inputs["input"], c.Targets, g["input"], c.Reduction, logInput: c.Flag("log_input", true), full: c.Flag("full")),
            (c, g) => Loss.PoissonNegativeLogLikelihood<double>(c.Inputs["input"], c.Targets, g["input"], c.Reduction, logInput: c.Flag("log_input", true), full: c.Flag("full")),
            (r, n) =>
            {
                Action<List<long>>[] runs = new[] { (true, true), (false, false), (false, true) }.Select(((bool LogInput, bool Full) o) =>
                    Elementwise(o.LogInput ? Normal(r, n) : Uniform(r, n, 0, 10), Rounded(Uniform(r, n, 0, 8)),
                        (x, y, red) => Loss.PoissonNegativeLogLikelihood<float>(x, y, red, o.LogInput, o.Full), (x, y, g, red) => Loss.PoissonNegativeLogLikelihood<float>(x, y, g, red, o.LogInput, o.Full),
                        (x, y, d) => Loss.PoissonNegativeLogLikelihoodPerElement<float>(x, y, d, o.LogInput, o.Full),
                        (x, y, red) => Loss.PoissonNegativeLogLikelihood<double>(x, y, red, o.LogInput, o.Full), (x, y, g, red) => Loss.PoissonNegativeLogLikelihood<double>(x, y, g, red, o.LogInput, o.Full),
                        (x, y, d) => Loss.PoissonNegativeLogLikelihoodPerElement<double>(x, y, d, o.LogInput, o.Full))).ToArray();
                return bits =>
                {
                    foreach (Action<List<long>> run in runs)
                    {
                        run(bits);
                    }
                };
            },
            ("rates", g => Loss.PoissonNegativeLogLikelihood<float>([1, -0.5f], [1, 0], g.AsSpan(0, 2), logInput: false)));

        yield return Make("margin_ranking",
            (c, g) => Loss.MarginRanking<float>(c.Inputs["input1"], c.Inputs["input2"], c.Targets, g["input1"], g["input2"], c.Reduction, c.Param("margin", 0)),
            (c, g) => Loss.MarginRanking<double>(c.Inputs["input1"], c.Inputs["input2"], c.Targets, g["input1"], g["input2"], c.Reduction, c.Param("margin", 0)),
            (r, n) =>
            {
                float[] a = Normal(r, n), b = Normal(r, n), t = Signs(r, n), g1 = new float[n], g2 = new float[n];
                double[] ad = D(a), bd = D(b), td = D(t), h1 = new double[n], h2 = new double[n];
                return bits =>
                {
                    foreach (Reduction red in Reductions)
                    {
                        Add(bits, Loss.MarginRanking<float>(a, b, t, red, 0.5));
                        Add(bits, Loss.MarginRanking<float>(a, b, t, g1, g2, red, 0.5));
                        Add(bits, g1);
                        Add(bits, g2);
                        Add(bits, Loss.MarginRanking<float>(a, b, t, default, g2, red, 0.25));
                        Add(bits, g2);
                        Add(bits, Loss.MarginRanking<double>(ad, bd, td, h1, h2, red, 0.5));
                        Add(bits, h1);
                        Add(bits, h2);
                    }
                    Loss.MarginRankingPerElement<float>(a, b, t, g1, 0.5);
                    Add(bits, g1);
                };
            },
            ("targets", g => Loss.MarginRanking<float>([1, 2], [2, 1], [1, 0], g.AsSpan(0, 2), g.AsSpan(2, 2))),
            ("margin", g => Loss.MarginRanking<float>([1, 2], [2, 1], [1, -1], g.AsSpan(0, 2), g.AsSpan(2, 2), margin: double.NaN)),
            ("gradient2", g => Loss.MarginRanking<float>([1, 2], [2, 1], [1, -1], g.AsSpan(0, 2), g.AsSpan(1, 2))),
            ("input2", g => Loss.MarginRanking<float>([1, 2], [2], [1, -1], g.AsSpan(0, 2), g.AsSpan(2, 2))));

        yield return Make("gaussian_nll",
            (c, g) => Loss.GaussianNegativeLogLikelihood<float>(c.Inputs["input"], c.Targets, c.Inputs["var"], g["input"], g["var"], c.Reduction, c.Flag("full"), c.Param("eps", 1e-6)),
            (c, g) => Loss.GaussianNegativeLogLikelihood<double>(c.Inputs["input"], c.Targets, c.Inputs["var"], g["input"], g["var"], c.Reduction, c.Flag("full"), c.Param("eps", 1e-6)),
            (r, n) =>
            {
                float[] x = Normal(r, n), t = Normal(r, n), v = Uniform(r, n, 0, 3), g1 = new float[n], g2 = new float[n];
                v[0] = 1e-9f;
                double[] xd = D(x), td = D(t), vd = D(v), h1 = new double[n], h2 = new double[n];
                return bits =>
                {
                    foreach (Reduction red in Reductions)
                    {
                        Add(bits, Loss.GaussianNegativeLogLikelihood<float>(x, t, v, red, full: true));
                        Add(bits, Loss.GaussianNegativeLogLikelihood<float>(x, t, v, g1, g2, red));
                        Add(bits, g1);
                        Add(bits, g2);
                        Add(bits, Loss.GaussianNegativeLogLikelihood<double>(xd, td, vd, h1, h2, red, full: true));
                        Add(bits, h1);
                        Add(bits, h2);
                    }
                    Loss.GaussianNegativeLogLikelihoodPerElement<float>(x, t, v, g1);
                    Add(bits, g1);
                };
            },
            ("variance", g => Loss.GaussianNegativeLogLikelihood<float>([1, 2], [2, 1], [1, -0.1f], g.AsSpan(0, 2), g.AsSpan(2, 2))),
            ("eps", g => Loss.GaussianNegativeLogLikelihood<float>([1, 2], [2, 1], [1, 1], g.AsSpan(0, 2), g.AsSpan(2, 2), eps: 0)),
            ("varianceGradient", g => Loss.GaussianNegativeLogLikelihood<float>([1, 2], [2, 1], [1, 1], g.AsSpan(0, 2), g.AsSpan(1, 2))));

        yield return Make("multi_margin",
            (c, g) => Loss.MultiMargin<float>(c.Inputs["input"], c.Labels, c.Columns, g["input"], c.Reduction, (int)c.Param("p", 1), c.Param("margin", 1), c.ClassWeights),
            (c, g) => Loss.MultiMargin<double>(c.Inputs["input"], c.Labels, c.Columns, g["input"], c.Reduction, (int)c.Param("p", 1), c.Param("margin", 1), c.ClassWeights),
            (r, n) =>
            {
                int classes = 37, rows = Math.Max(1, n / classes);
                float[] x = Normal(r, rows * classes), w = Uniform(r, classes, 0, 2), g = new float[x.Length], per = new float[rows];
                int[] labels = Labels(r, rows, classes);
                double[] xd = D(x), wd = D(w), gd = new double[x.Length];
                return bits =>
                {
                    foreach (int p in Powers)
                    {
                        foreach (Reduction red in Reductions)
                        {
                            Add(bits, Loss.MultiMargin<float>(x, labels, classes, red, p, 0.7));
                            Add(bits, Loss.MultiMargin<float>(x, labels, classes, g, red, p, 0.7, w));
                            Add(bits, g);
                            Add(bits, Loss.MultiMargin<double>(xd, labels, classes, gd, red, p, 0.7, wd));
                            Add(bits, gd);
                        }
                        Loss.MultiMarginPerRow<float>(x, labels, classes, per, p);
                        Add(bits, per);
                    }
                };
            },
            ("p", g => Loss.MultiMargin<float>([1, 2], [0], 2, g.AsSpan(0, 2), p: 3)),
            ("labels", g => Loss.MultiMargin<float>([1, 2], [2], 2, g.AsSpan(0, 2))),
            ("margin", g => Loss.MultiMargin<float>([1, 2], [1], 2, g.AsSpan(0, 2), margin: double.PositiveInfinity)),
            ("classWeights", g => Loss.MultiMargin<float>([1, 2], [1], 2, g.AsSpan(0, 2), classWeights: [1, -1])));

        yield return Make("multilabel_soft_margin",
            (c, g) => Loss.MultiLabelSoftMargin<float>(c.Inputs["input"], c.Targets, c.Columns, g["input"], c.Reduction, c.ClassWeights),
            (c, g) => Loss.MultiLabelSoftMargin<double>(c.Inputs["input"], c.Targets, c.Columns, g["input"], c.Reduction, c.ClassWeights),
            (r, n) =>
            {
                int classes = 21, rows = Math.Max(1, n / classes);
                float[] x = Normal(r, rows * classes, 5), t = Rounded(Uniform(r, rows * classes, 0, 1)), w = Uniform(r, classes, 0, 2), g = new float[x.Length], per = new float[rows];
                double[] xd = D(x), td = D(t), wd = D(w), gd = new double[x.Length];
                return bits =>
                {
                    foreach (Reduction red in Reductions)
                    {
                        Add(bits, Loss.MultiLabelSoftMargin<float>(x, t, classes, red));
                        Add(bits, Loss.MultiLabelSoftMargin<float>(x, t, classes, g, red, w));
                        Add(bits, g);
                        Add(bits, Loss.MultiLabelSoftMargin<double>(xd, td, classes, gd, red, wd));
                        Add(bits, gd);
                    }
                    Loss.MultiLabelSoftMarginPerRow<float>(x, t, classes, per, w);
                    Add(bits, per);
                };
            },
            ("targets", g => Loss.MultiLabelSoftMargin<float>([1, 2], [0, 2], 2, g.AsSpan(0, 2))),
            ("logits", g => Loss.MultiLabelSoftMargin<float>([1, 2, 3], [0, 1, 1], 2, g.AsSpan(0, 3))),
            ("classWeights", g => Loss.MultiLabelSoftMargin<float>([1, 2], [0, 1], 2, g.AsSpan(0, 2), classWeights: [1, -1])));

        yield return Make("dice",
            (c, g) => Loss.Dice<float>(c.Inputs["input"], c.Targets, c.Columns, g["input"], c.Reduction, c.Param("smooth", 1)),
            (c, g) => Loss.Dice<double>(c.Inputs["input"], c.Targets, c.Columns, g["input"], c.Reduction, c.Param("smooth", 1)),
            (r, n) => Overlap(r, n, tversky: false),
            ("probabilities", g => Loss.Dice<float>([1.5f, 0], [0, 1], 2, g.AsSpan(0, 2))),
            ("targets", g => Loss.Dice<float>([1, 0], [0, -1], 2, g.AsSpan(0, 2))),
            ("smooth", g => Loss.Dice<float>([1, 0], [0, 1], 2, g.AsSpan(0, 2), smooth: -1)),
            ("rowLength", g => Loss.Dice<float>([1, 0], [0, 1], 0, g.AsSpan(0, 2))));

        yield return Make("tversky",
            (c, g) => Loss.Tversky<float>(c.Inputs["input"], c.Targets, c.Columns, g["input"], c.Reduction, c.Param("alpha", 0.5), c.Param("beta", 0.5), c.Param("smooth", 1)),
            (c, g) => Loss.Tversky<double>(c.Inputs["input"], c.Targets, c.Columns, g["input"], c.Reduction, c.Param("alpha", 0.5), c.Param("beta", 0.5), c.Param("smooth", 1)),
            (r, n) => Overlap(r, n, tversky: true),
            ("alpha", g => Loss.Tversky<float>([1, 0], [0, 1], 2, g.AsSpan(0, 2), alpha: -0.1)),
            ("beta", g => Loss.Tversky<float>([1, 0], [0, 1], 2, g.AsSpan(0, 2), beta: double.NaN)));

        yield return Make("cosine_embedding",
            (c, g) => Loss.CosineEmbedding<float>(c.Inputs["input1"], c.Inputs["input2"], c.Targets, c.Columns, g["input1"], g["input2"], c.Reduction, c.Param("margin", 0)),
            (c, g) => Loss.CosineEmbedding<double>(c.Inputs["input1"], c.Inputs["input2"], c.Targets, c.Columns, g["input1"], g["input2"], c.Reduction, c.Param("margin", 0)),
            (r, n) =>
            {
                int dimension = 67, rows = Math.Max(1, n / dimension);
                float[] a = Normal(r, rows * dimension), b = Normal(r, rows * dimension), t = Signs(r, rows), g1 = new float[a.Length], g2 = new float[a.Length], per = new float[rows];
                double[] ad = D(a), bd = D(b), td = D(t), h1 = new double[a.Length], h2 = new double[a.Length];
                return bits =>
                {
                    foreach (Reduction red in Reductions)
                    {
                        Add(bits, Loss.CosineEmbedding<float>(a, b, t, dimension, red, -0.2));
                        Add(bits, Loss.CosineEmbedding<float>(a, b, t, dimension, g1, g2, red, -0.2));
                        Add(bits, g1);
                        Add(bits, g2);
                        Add(bits, Loss.CosineEmbedding<double>(ad, bd, td, dimension, h1, h2, red, -0.2));
                        Add(bits, h1);
                        Add(bits, h2);
                    }
                    Loss.CosineEmbeddingPerRow<float>(a, b, t, dimension, per);
                    Add(bits, per);
                };
            },
            ("targets", g => Loss.CosineEmbedding<float>([1, 2], [2, 1], [0], 2, g.AsSpan(0, 2), g.AsSpan(2, 2))),
            ("margin", g => Loss.CosineEmbedding<float>([1, 2], [2, 1], [1], 2, g.AsSpan(0, 2), g.AsSpan(2, 2), margin: 1.5)),
            ("gradient2", g => Loss.CosineEmbedding<float>([1, 2], [2, 1], [1], 2, g.AsSpan(0, 2), g.AsSpan(1, 2))),
            ("input2", g => Loss.CosineEmbedding<float>([1, 2], [2], [1], 2, g.AsSpan(0, 2), g.AsSpan(2, 2))));

        yield return Make("triplet_margin",
            (c, g) => Loss.TripletMargin<float>(c.Inputs["anchor"], c.Inputs["positive"], c.Inputs["negative"], c.Columns, g["anchor"], g["positive"], g["negative"],
                c.Reduction, c.Param("margin", 1), (int)c.Param("p", 2), c.Param("eps", 1e-6), c.Flag("swap")),
            (c, g) => Loss.TripletMargin<double>(c.Inputs["anchor"], c.Inputs["positive"], c.Inputs["negative"], c.Columns, g["anchor"], g["positive"], g["negative"],
                c.Reduction, c.Param("margin", 1), (int)c.Param("p", 2), c.Param("eps", 1e-6), c.Flag("swap")),
            (r, n) =>
            {
                int dimension = 41, rows = Math.Max(1, n / dimension), length = rows * dimension;
                float[] a = Normal(r, length), p = Normal(r, length), m = Normal(r, length), g1 = new float[length], g2 = new float[length], g3 = new float[length], per = new float[rows];
                double[] ad = D(a), pd = D(p), md = D(m), h1 = new double[length], h2 = new double[length], h3 = new double[length];
                return bits =>
                {
                    foreach ((int norm, bool swap) in TripletOptions)
                    {
                        foreach (Reduction red in Reductions)
                        {
                            Add(bits, Loss.TripletMargin<float>(a, p, m, dimension, red, 2, norm, swap: swap));
                            Add(bits, Loss.TripletMargin<float>(a, p, m, dimension, g1, g2, g3, red, 2, norm, swap: swap));
                            Add(bits, g1);
                            Add(bits, g2);
                            Add(bits, g3);
                            Add(bits, Loss.TripletMargin<double>(ad, pd, md, dimension, h1, h2, h3, red, 2, norm, swap: swap));
                            Add(bits, h1);
                            Add(bits, h2);
                            Add(bits, h3);
                        }
                        Loss.TripletMarginPerRow<float>(a, p, m, dimension, per, 2, norm, swap: swap);
                        Add(bits, per);
                    }
                };
            },
            ("p", g => Loss.TripletMargin<float>([1, 2], [2, 1], [0, 0], 2, g.AsSpan(0, 2), default, default, p: 3)),
            ("margin", g => Loss.TripletMargin<float>([1, 2], [2, 1], [0, 0], 2, g.AsSpan(0, 2), default, default, margin: -1)),
            ("eps", g => Loss.TripletMargin<float>([1, 2], [2, 1], [0, 0], 2, g.AsSpan(0, 2), default, default, eps: -1)),
            ("negativeGradient", g => Loss.TripletMargin<float>([1, 2], [2, 1], [0, 0], 2, g.AsSpan(0, 2), default, g.AsSpan(1, 2))),
            ("negative", g => Loss.TripletMargin<float>([1, 2], [2, 1], [0], 2, g.AsSpan(0, 2), default, default)));

        yield return Make("cross_entropy_z",
            (c, g) => Loss.CrossEntropy<float>(c.Inputs["input"], c.Labels, c.Columns, g["input"], c.Param("z_loss", 0), c.Reduction),
            (c, g) => Loss.CrossEntropy<double>(c.Inputs["input"], c.Labels, c.Columns, g["input"], c.Param("z_loss", 0), c.Reduction),
            (r, n) => LabelRows(r, n, 53, 10,
                (x, l, k, red) => Loss.CrossEntropy<float>(x, l, k, 1e-3, red), (x, l, k, g, red, w) => Loss.CrossEntropy<float>(x, l, k, g, 1e-3, red, w, labelSmoothing: 0.1),
                (x, l, k, o, w) => Loss.CrossEntropyPerRow<float>(x, l, k, o, 1e-3, w),
                (x, l, k, g, red, w) => Loss.CrossEntropy<double>(x, l, k, g, 1e-3, red, w, labelSmoothing: 0.1)),
            ("zLoss", g => Loss.CrossEntropy<float>([1, 2], [1], 2, g.AsSpan(0, 2), -1.0)),
            ("labels", g => Loss.CrossEntropy<float>([1, 2], [5], 2, g.AsSpan(0, 2), 1e-4)),
            ("labelSmoothing", g => Loss.CrossEntropy<float>([1, 2], [1], 2, g.AsSpan(0, 2), 1e-4, labelSmoothing: 2)));
    }

    private static Action<List<long>> Overlap(Random r, int n, bool tversky)
    {
        int length = 301, rows = Math.Max(1, n / length);
        float[] p = Uniform(r, rows * length, 0, 1), t = Rounded(Uniform(r, rows * length, 0, 1)), g = new float[p.Length], per = new float[rows];
        double[] pd = D(p), td = D(t), gd = new double[p.Length];
        return bits =>
        {
            foreach (Reduction red in Reductions)
            {
                if (tversky)
                {
                    Add(bits, Loss.Tversky<float>(p, t, length, red, 0.3, 0.7));
                    Add(bits, Loss.Tversky<float>(p, t, length, g, red, 0.3, 0.7));
                    Add(bits, g);
                    Add(bits, Loss.Tversky<double>(pd, td, length, gd, red, 0.3, 0.7));
                }
                else
                {
                    Add(bits, Loss.Dice<float>(p, t, length, red));
                    Add(bits, Loss.Dice<float>(p, t, length, g, red, 1e-5));
                    Add(bits, g);
                    Add(bits, Loss.Dice<double>(pd, td, length, gd, red, 1e-5));
                }
                Add(bits, gd);
            }
            if (tversky)
            {
                Loss.TverskyPerRow<float>(p, t, length, per);
            }
            else
            {
                Loss.DicePerRow<float>(p, t, length, per);
            }
            Add(bits, per);
        };
    }
}
