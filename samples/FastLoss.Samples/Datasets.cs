using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace FastLoss.Samples;

/// <summary>A data set: row-major features <c>[rows × features]</c> in double, and one target per row.</summary>
public sealed record Dataset(double[] Features, double[] Targets, int Rows, int FeatureCount);

/// <summary>The data sets of <c>Data/</c> (see its README for their sources).</summary>
public static class Datasets
{
    /// <summary>Where the data files are: next to the program.</summary>
    public static string Directory { get; set; } = Path.Combine(AppContext.BaseDirectory, "Data");

    /// <summary>1797 digits: 64 pixels 0..16 and the digit.</summary>
    public static Dataset Digits() => FromRows(ReadLines("digits.csv.gz").Select(l => l.Split(',')), features: 64);

    /// <summary>569 tumours: 30 features and the label (0 = malignant, 1 = benign); the file's first line is its header.</summary>
    public static Dataset BreastCancer() => FromRows(ReadLines("breast_cancer.csv").Skip(1).Select(l => l.Split(',')), features: 30);

    /// <summary>442 patients: ten baseline variables and the disease progression a year later.</summary>
    public static Dataset Diabetes()
    {
        string[][] rows = [.. ReadLines("diabetes_data_raw.csv.gz").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
        double[] targets = [.. ReadLines("diabetes_target.csv.gz").Select(Parse)];
        double[] features = [.. rows.SelectMany(r => r.Select(Parse))];
        if (targets.Length != rows.Length || features.Length != rows.Length * 10)
        {
            throw new InvalidDataException("diabetes: expected 10 features and one target per row.");
        }
        return new Dataset(features, targets, rows.Length, 10);
    }

    private static Dataset FromRows(IEnumerable<string[]> rows, int features)
    {
        List<double> x = [], y = [];
        foreach (string[] row in rows)
        {
            if (row.Length != features + 1)
            {
                throw new InvalidDataException($"expected {features} features and a label, got {row.Length} columns.");
            }
            for (int j = 0; j < features; j++)
            {
                x.Add(Parse(row[j]));
            }
            y.Add(Parse(row[features]));
        }
        return new Dataset([.. x], [.. y], y.Count, features);
    }

    private static double Parse(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static IEnumerable<string> ReadLines(string file)
    {
        string path = Path.Combine(Directory, file);
        using Stream stream = file.EndsWith(".gz", StringComparison.Ordinal)
            ? new GZipStream(File.OpenRead(path), CompressionMode.Decompress)
            : File.OpenRead(path);
        using StreamReader reader = new(stream);
        while (reader.ReadLine() is string line)
        {
            if (line.Length != 0)
            {
                yield return line;
            }
        }
    }

    /// <summary>Each feature minus its mean, over its population standard deviation (1 where that is 0), with the statistics of <paramref name="fit"/>'s rows.</summary>
    public static void Standardize(double[] features, int featureCount, ReadOnlySpan<int> fit, params double[][] apply)
    {
        for (int j = 0; j < featureCount; j++)
        {
            double mean = 0;
            foreach (int r in fit)
            {
                mean += features[r * featureCount + j];
            }
            mean /= fit.Length;
            double variance = 0;
            foreach (int r in fit)
            {
                double d = features[r * featureCount + j] - mean;
                variance += d * d;
            }
            double sd = Math.Sqrt(variance / fit.Length);
            sd = sd == 0 ? 1 : sd;
            foreach (double[] target in apply)
            {
                for (int i = j; i < target.Length; i += featureCount)
                {
                    target[i] = (target[i] - mean) / sd;
                }
            }
        }
    }

    /// <summary>A seeded permutation of 0..n−1 (Fisher–Yates with <see cref="Random"/>(seed)).</summary>
    public static int[] Permutation(int n, int seed)
    {
        int[] order = [.. Enumerable.Range(0, n)];
        new Random(seed).Shuffle(order);
        return order;
    }

    /// <summary>The rows <paramref name="rows"/> of a row-major matrix, converted to <typeparamref name="T"/>.</summary>
    public static T[] Take<T>(double[] matrix, int columns, ReadOnlySpan<int> rows) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        T[] result = new T[rows.Length * columns];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                result[i * columns + j] = T.CreateTruncating(matrix[rows[i] * columns + j]);
            }
        }
        return result;
    }
}
