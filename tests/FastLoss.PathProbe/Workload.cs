using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;

namespace FastLoss.PathProbe;

/// <summary>
/// A fixed workload over every loss (values, gradients, per-element forms, many lengths and offsets) reduced to
/// one SHA-256: equal hashes mean bit-identical results. NaN payloads are canonicalised (a NaN is a NaN).
/// </summary>
public static class Workload
{
    /// <summary>
    /// The hash of every entry of <see cref="Catalogue"/> (every loss) on its generated inputs at several sizes:
    /// a hash of its own, so that <see cref="Hash"/> stays the proof that the first seventeen losses keep their bits.
    /// </summary>
    public static string CatalogueHash()
    {
        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (Catalogue.Entry entry in Catalogue.All.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            AppendEntry(hash, entry);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Each catalogue entry's own hash (the probe's <c>catalogue</c> command): which loss differs, where the catalogue hash does.</summary>
    public static IEnumerable<string> CatalogueHashes()
    {
        foreach (Catalogue.Entry entry in Catalogue.All.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            AppendEntry(hash, entry);
            yield return $"{entry.Name} {Convert.ToHexString(hash.GetHashAndReset())}";
        }
    }

    private static void AppendEntry(IncrementalHash hash, Catalogue.Entry entry)
    {
        foreach (int n in new[] { 1, 17, 1000, 70001 })
        {
            List<long> bits = [];
            entry.Workload(new Random(n), n, bits);
            foreach (long b in bits)
            {
                hash.AppendData(BitConverter.GetBytes(b));
            }
        }
    }

    public static string Hash()
    {
        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Run<float>(hash);
        Run<double>(hash);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void Run<T>(IncrementalHash hash) where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        Random rng = new(20261124);
        int[] lengths = [1, 3, 15, 16, 17, 63, 64, 100, 511, 512, 513, 1000, 4099, 70001];
        foreach (int n in lengths)
        {
            for (int offset = 0; offset < 3; offset++)
            {
                T[] a = new T[n + offset], b = new T[n + offset], w = new T[n + offset], g = new T[n + offset];
                for (int i = 0; i < a.Length; i++)
                {
                    a[i] = T.CreateTruncating(rng.NextDouble() * 6 - 3);
                    b[i] = T.CreateTruncating(rng.NextDouble() * 6 - 3);
                    w[i] = T.CreateTruncating(rng.NextDouble());
                }
                ReadOnlySpan<T> p = a.AsSpan(offset), t = b.AsSpan(offset), ww = w.AsSpan(offset);
                Span<T> grad = g.AsSpan(offset);
                T[] probabilities = new T[n], binary = new T[n], signs = new T[n];
                for (int i = 0; i < n; i++)
                {
                    probabilities[i] = T.CreateTruncating(rng.NextDouble());
                    binary[i] = T.CreateTruncating(rng.Next(2));
                    signs[i] = rng.Next(2) == 0 ? -T.One : T.One;
                }
                foreach (Reduction r in new[] { Reduction.Mean, Reduction.Sum })
                {
                    Add(hash, Loss.MeanSquaredError(p, t, grad, r), grad);
                    Add(hash, Loss.MeanAbsoluteError(p, t, grad, r), grad);
                    Add(hash, Loss.Huber(p, t, grad, T.CreateTruncating(0.8), r), grad);
                    Add(hash, Loss.SmoothL1(p, t, grad, T.CreateTruncating(0.6), r), grad);
                    Add(hash, Loss.LogCosh(p, t, grad, r), grad);
                    Add(hash, Loss.Quantile(p, t, grad, T.CreateTruncating(0.3), r), grad);
                    Add(hash, Loss.PoissonNegativeLogLikelihood(p, t, grad, r), grad);
                    Add(hash, Loss.BinaryCrossEntropy<T>(probabilities, binary, grad, r, weights: ww), grad);
                    Add(hash, Loss.BinaryCrossEntropyWithLogits<T>(p, binary, grad, r, weights: ww, positiveWeight: T.CreateTruncating(2)), grad);
                    Add(hash, Loss.BinaryCrossEntropyWithLogits<T>(p, binary, grad, r, weights: ww), grad);
                    Add(hash, Loss.Hinge<T>(p, signs, grad, r), grad);
                    Add(hash, Loss.SquaredHinge<T>(p, signs, grad, r), grad);
                    Add(hash, Loss.SigmoidFocal<T>(p, probabilities, grad, r, alpha: 0.25, gamma: 1.5), grad);
                    Add(hash, Loss.KullbackLeiblerDivergence<T>(p, probabilities, 1, grad, r), grad);
                }
                Add(hash, Loss.RootMeanSquaredError(p, t, grad), grad);
                Loss.LogCoshPerElement(p, t, grad);
                Add(hash, T.Zero, grad);
            }
        }
        foreach ((int rows, int classes) in new[] { (1, 1), (3, 7), (17, 10), (33, 16), (20, 33), (4, 1000), (2, 5003) })
        {
            int n = rows * classes;
            T[] logits = new T[n], targets = new T[n], g = new T[n];
            int[] labels = new int[rows];
            for (int i = 0; i < n; i++)
            {
                logits[i] = T.CreateTruncating(rng.NextDouble() * 20 - 10);
                targets[i] = T.CreateTruncating(rng.NextDouble());
            }
            for (int r = 0; r < rows; r++)
            {
                labels[r] = r % 5 == 4 ? -100 : rng.Next(classes);
            }
            T[] classWeights = new T[classes];
            for (int c = 0; c < classes; c++)
            {
                classWeights[c] = T.CreateTruncating(rng.NextDouble() + 0.5);
            }
            Add(hash, Loss.CrossEntropy<T>(logits, labels, classes, g), g);
            Add(hash, Loss.CrossEntropy<T>(logits, labels, classes, g, Reduction.Sum, classWeights, labelSmoothing: 0.1), g);
            Add(hash, Loss.CrossEntropy<T>(logits, targets, classes, g, labelSmoothing: 0.05), g);
            Add(hash, Loss.NegativeLogLikelihood<T>(logits, labels, classes, g, classWeights: classWeights), g);
        }
        Extremes<T>(hash, rng);
        Metrics<T>(hash, rng);
        Objectives<T>(hash, rng);
        Shards<T>(hash, rng);
    }

    /// <summary>Shards: an element-wise and a class-weighted row loss over three uneven shards (partials and gradients).</summary>
    private static void Shards<T>(IncrementalHash hash, Random rng) where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        const int rows = 301, classes = 13, n = rows * classes;
        T[] x = new T[n], y = new T[n], g = new T[n], classWeights = new T[classes];
        int[] labels = new int[rows];
        for (int i = 0; i < n; i++)
        {
            x[i] = T.CreateTruncating(rng.NextDouble() * 8 - 4);
            y[i] = T.CreateTruncating(rng.NextDouble() * 8 - 4);
        }
        for (int c = 0; c < classes; c++)
        {
            classWeights[c] = T.CreateTruncating(0.1 + rng.NextDouble());
        }
        for (int r = 0; r < rows; r++)
        {
            labels[r] = rng.Next(5) == 0 ? -100 : rng.Next(classes);
        }
        int[] cuts = [0, 7, 200, rows];
        LossPartial weight = LossPartial.Empty, logCosh = LossPartial.Empty, crossEntropy = LossPartial.Empty;
        for (int s = 0; s < 3; s++)
        {
            weight += Shard.LabelWeight<T>(labels.AsSpan(cuts[s]..cuts[s + 1]), classes, classWeights);
        }
        for (int s = 0; s < 3; s++)
        {
            Range e = (cuts[s] * classes)..(cuts[s + 1] * classes);
            logCosh += Shard.LogCosh<T>(x.AsSpan(e), y.AsSpan(e), n, g.AsSpan(e));
            crossEntropy += Shard.CrossEntropy<T>(x.AsSpan(e), labels.AsSpan(cuts[s]..cuts[s + 1]), classes, weight.Weight, y.AsSpan(e), classWeights, labelSmoothing: 0.1);
        }
        Add(hash, T.CreateTruncating(logCosh.Mean), g);
        Add(hash, T.CreateTruncating(crossEntropy.Mean), y);
        Add(hash, T.CreateTruncating(weight.Weight), [T.CreateTruncating(weight.WeightResidual)]);
    }

    /// <summary>Objectives: a cheap and an expensive combination, every form (values, gradient, per-term rows, uncertainty weighting).</summary>
    private static void Objectives<T>(IncrementalHash hash, Random rng) where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        Objective<T> regression = new(ObjectiveTerm.MeanSquaredError(T.CreateTruncating(0.7)), ObjectiveTerm.Huber(T.CreateTruncating(0.3), T.One), ObjectiveTerm.MeanAbsoluteError(T.CreateTruncating(-0.1)));
        Objective<T> binary = new(Reduction.Sum, ObjectiveTerm.BinaryCrossEntropyWithLogits(T.CreateTruncating(0.5)), ObjectiveTerm.SigmoidFocal(T.CreateTruncating(0.5), gamma: 1.5));
        foreach (int n in new[] { 1, 17, 1000, 4099, 70001 })
        {
            T[] x = new T[n], y = new T[n], labels = new T[n], g = new T[n], rows = new T[3 * n], values = new T[3];
            for (int i = 0; i < n; i++)
            {
                x[i] = T.CreateTruncating(rng.NextDouble() * 8 - 4);
                y[i] = T.CreateTruncating(rng.NextDouble() * 8 - 4);
                labels[i] = T.CreateTruncating(rng.Next(2));
            }
            Add(hash, regression.Evaluate(x, y, g, values), g);
            Add(hash, regression.EvaluatePerTerm(x, y, rows, default, values), rows);
            Add(hash, values[0], values);
            Add(hash, binary.Evaluate(x, labels, g), g);
            T[] s = [T.CreateTruncating(0.2), T.CreateTruncating(-0.4)], ds = new T[2];
            Add(hash, binary.EvaluateUncertainty(x, labels, s, g, ds), g);
            Add(hash, ds[0], ds);
        }
    }

    /// <summary>The metrics (double results of float or double inputs), one-shot and streamed.</summary>
    private static void Metrics<T>(IncrementalHash hash, Random rng) where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        foreach (int n in new[] { 1, 17, 1000, 4099, 70001 })
        {
            T[] p = new T[n], t = new T[n], probabilities = new T[n], binary = new T[n];
            for (int i = 0; i < n; i++)
            {
                p[i] = T.CreateTruncating(rng.NextDouble() * 6 - 3);
                t[i] = T.CreateTruncating(rng.NextDouble() * 6 - 3);
                probabilities[i] = T.CreateTruncating(rng.NextDouble());
                binary[i] = T.CreateTruncating(rng.Next(2));
            }
            RegressionMetrics streamed = new();
            streamed.Add<T>(p.AsSpan(0, n / 3), t.AsSpan(0, n / 3));
            streamed.Add<T>(p.AsSpan(n / 3), t.AsSpan(n / 3));
            double[] figures =
            [
                Metric.MeanSquaredError<T>(p, t), Metric.RootMeanSquaredError<T>(p, t), Metric.MeanAbsoluteError<T>(p, t),
                Metric.MeanAbsolutePercentageError<T>(p, t), Metric.R2Score<T>(p, t),
                streamed.MeanSquaredError, streamed.MeanAbsolutePercentageError, streamed.R2Score,
                Metric.LogLoss<T>(probabilities, binary), Metric.Accuracy<T>(probabilities, binary), Metric.F1Score<T>(probabilities, binary),
                Metric.AreaUnderRocCurve<T>(p, binary),
            ];
            Add(hash, 0.0, figures);
            int classes = 7, rows = n / classes;
            int[] labels = new int[rows];
            for (int r = 0; r < rows; r++)
            {
                labels[r] = rng.Next(classes);
            }
            ReadOnlySpan<T> logits = p.AsSpan(0, rows * classes);
            double[] classification =
            [
                Metric.Accuracy<T>(logits, labels, classes), Metric.TopKAccuracy<T>(logits, labels, classes, 3),
                Metric.F1Score<T>(logits, labels, classes, Average.Weighted), Metric.LogLoss<T>(probabilities.AsSpan(0, rows * classes), labels, classes),
            ];
            Add(hash, 0.0, classification);
        }
    }

    /// <summary>Inputs at the ends of the range, where the losses take their scaled and guarded routes.</summary>
    private static void Extremes<T>(IncrementalHash hash, Random rng) where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        T max = T.CreateSaturating(double.MaxValue);
        T[] specials = [max, -max, T.Epsilon, -T.Epsilon, T.NegativeInfinity, T.Zero, T.CreateTruncating(1e-20), T.CreateTruncating(-3e4), T.CreateTruncating(88.5)];
        foreach (int n in new[] { 1, 17, 100, 1000 })
        {
            T[] p = new T[n], t = new T[n], probabilities = new T[n], g = new T[n];
            for (int i = 0; i < n; i++)
            {
                p[i] = rng.Next(3) == 0 ? specials[rng.Next(specials.Length)] : T.CreateTruncating((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-40, 40)));
                t[i] = T.CreateTruncating((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-40, 40)));
                probabilities[i] = T.CreateTruncating(rng.NextDouble());
            }
            foreach (double magnitude in new[] { 1e-30, 1e-160, 1e30, 1e160 })
            {
                T[] small = new T[n];
                for (int i = 0; i < n; i++)
                {
                    small[i] = T.CreateTruncating(magnitude * (rng.NextDouble() - 0.5));
                }
                Add(hash, Loss.RootMeanSquaredError<T>(small, new T[n], g), g);
            }
            Add(hash, Loss.BinaryCrossEntropyWithLogits<T>(p, probabilities, g, positiveWeight: T.CreateTruncating(3)), g);
            Add(hash, Loss.LogCosh<T>(p, new T[n], g), g);
            Add(hash, Loss.SigmoidFocal<T>(p, probabilities, g), g);
            foreach (int classes in new[] { 1, 2, 10, 40 })
            {
                int rows = n / classes;
                if (rows == 0)
                {
                    continue;
                }
                ReadOnlySpan<T> logits = p.AsSpan(0, rows * classes);
                Span<T> grad = g.AsSpan(0, rows * classes);
                int[] labels = new int[rows];
                for (int r = 0; r < rows; r++)
                {
                    labels[r] = rng.Next(classes);
                }
                Add(hash, Loss.CrossEntropy<T>(logits, labels, classes, grad), grad);
                Add(hash, Loss.CrossEntropy<T>(logits, labels, classes, grad, labelSmoothing: 0.3), grad);
                Add(hash, Loss.CrossEntropy<T>(logits, probabilities.AsSpan(0, rows * classes), classes, grad), grad);
            }
        }
    }

    private static void Add<T>(IncrementalHash hash, T value, ReadOnlySpan<T> values) where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        Span<byte> bytes = stackalloc byte[8];
        Append(hash, value, bytes);
        foreach (T v in values)
        {
            Append(hash, v, bytes);
        }
    }

    private static void Append<T>(IncrementalHash hash, T value, Span<byte> bytes) where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        double d = double.CreateTruncating(value);
        long bits = double.IsNaN(d) ? 0x7FF8000000000000 : BitConverter.DoubleToInt64Bits(d);
        BitConverter.TryWriteBytes(bytes, bits);
        hash.AppendData(bytes);
    }
}
