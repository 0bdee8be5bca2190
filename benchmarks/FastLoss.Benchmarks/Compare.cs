using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace FastLoss.Benchmarks;

/// <summary>
/// <c>compare A B</c>: reads the BenchmarkDotNet JSON reports of two result folders (two CPUs, or two commits)
/// and prints, benchmark by benchmark, the median times and the ratio B/A (below 1: B is faster).
/// </summary>
public static class Compare
{
    public static int Run(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: compare <resultsFolderA> <resultsFolderB>   (for example benchmarks/results/<cpu1> benchmarks/results/<cpu2>)");
            return 2;
        }
        Dictionary<string, double> a = Load(args[0]), b = Load(args[1]);
        string[] common = a.Keys.Intersect(b.Keys).Order(StringComparer.Ordinal).ToArray();
        if (common.Length == 0)
        {
            Console.Error.WriteLine($"no benchmark appears in both {args[0]} ({a.Count}) and {args[1]} ({b.Count})");
            return 1;
        }
        int width = Math.Min(110, common.Max(k => k.Length));
        Console.WriteLine($"{"benchmark".PadRight(width)}  {"A median",12}  {"B median",12}  {"B/A",7}");
        foreach (string key in common)
        {
            string name = key.Length > width ? key[..(width - 1)] + "…" : key.PadRight(width);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}  {Format(a[key]),12}  {Format(b[key]),12}  {b[key] / a[key],7:F3}"));
        }
        double geometricMean = Math.Exp(common.Average(k => Math.Log(b[k] / a[k])));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{common.Length} benchmarks in common; geometric mean of B/A: {geometricMean:F3}"));
        if (a.Count != common.Length || b.Count != common.Length)
        {
            Console.WriteLine($"only in A: {a.Count - common.Length}, only in B: {b.Count - common.Length}");
        }
        return 0;
    }

    private static string Format(double nanoseconds) => nanoseconds switch
    {
        < 1e3 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds:F1} ns"),
        < 1e6 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e3:F2} us"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e6:F2} ms"),
    };

    /// <summary>Median nanoseconds by benchmark full name (type, method and parameters) from every *-report-full.json below the folder.</summary>
    public static Dictionary<string, double> Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"no such results folder: {folder}");
        }
        string[] files = Directory.GetFiles(folder, "*-report-full.json", SearchOption.AllDirectories);
        if (files.Length == 0)
        {
            throw new FileNotFoundException($"no BenchmarkDotNet JSON reports (*-report-full.json) under {folder}");
        }
        Dictionary<string, double> medians = [];
        foreach (string file in files.Order(StringComparer.Ordinal))
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (JsonElement benchmark in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                if (benchmark.TryGetProperty("Statistics", out JsonElement statistics) && statistics.ValueKind == JsonValueKind.Object
                    && statistics.TryGetProperty("Median", out JsonElement median))
                {
                    medians[benchmark.GetProperty("FullName").GetString()!] = median.GetDouble();
                }
            }
        }
        return medians;
    }
}
