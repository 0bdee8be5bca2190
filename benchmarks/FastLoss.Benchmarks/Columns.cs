using System;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Parameters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FastLoss.Benchmarks;

/// <summary>How many arrays of the elements a benchmark method reads and writes (each once), for the throughput column.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BytesPerElementAttribute(int inputs, int outputs) : Attribute
{
    public int Inputs { get; } = inputs;
    public int Outputs { get; } = outputs;
}

/// <summary>What a benchmark class tells the columns: elements per operation and the element size.</summary>
public interface ISized
{
    long Elements { get; }
    int ElementSize { get; }
    bool WritesOutput { get; }

    /// <summary>Arrays of <see cref="Elements"/> read or written once per operation (a method's <see cref="BytesPerElementAttribute"/> overrides it).</summary>
    int Streams => 2 + (WritesOutput ? 1 : 0);
}

internal static class Sizes
{
    public static ISized? Of(BenchmarkCase benchmark)
    {
        // Columns see a fresh instance with the case's parameters applied.
        object instance = Activator.CreateInstance(benchmark.Descriptor.Type)!;
        foreach (ParameterInstance parameter in benchmark.Parameters.Items)
        {
            benchmark.Descriptor.Type.GetProperty(parameter.Name)?.SetValue(instance, parameter.Value);
            benchmark.Descriptor.Type.GetField(parameter.Name)?.SetValue(instance, parameter.Value);
        }
        return instance as ISized;
    }

    public static double? MedianNanoseconds(Summary summary, BenchmarkCase benchmark)
        => summary[benchmark]?.ResultStatistics?.Median;

    /// <summary>Whether a table's benchmarks have a size (ISized): only then are the per-element columns shown.</summary>
    public static bool AnySized(Summary summary) => summary.BenchmarksCases.Any(b => typeof(ISized).IsAssignableFrom(b.Descriptor.Type));
}

/// <summary>The members every custom column shares; a column supplies its name, legend and value.</summary>
public abstract class CustomColumn(string name, string legend, int priority) : IColumn
{
    public string Id => GetType().Name;
    public string ColumnName => name;
    public virtual bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => priority;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => legend;
    public virtual bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);
    public abstract string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style);
}

/// <summary>Nanoseconds per element: comparable across sizes and CPUs.</summary>
public sealed class NanosecondsPerElementColumn() : CustomColumn("ns/elem", "Median nanoseconds per element", 0)
{
    public override bool IsAvailable(Summary summary) => Sizes.AnySized(summary);

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ISized? sized = Sizes.Of(benchmarkCase);
        double? median = Sizes.MedianNanoseconds(summary, benchmarkCase);
        return sized is null || median is null ? "-" : (median.Value / sized.Elements).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Effective bandwidth: the inputs read once and the output written once, per second of median time.</summary>
public sealed class BandwidthColumn() : CustomColumn("GB/s", "Effective GB/s: inputs read once plus the gradient (or per-element output) written once, over the median time", 1)
{
    public override bool IsAvailable(Summary summary) => Sizes.AnySized(summary);

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ISized? sized = Sizes.Of(benchmarkCase);
        double? median = Sizes.MedianNanoseconds(summary, benchmarkCase);
        if (sized is null || median is null)
        {
            return "-";
        }
        BytesPerElementAttribute? bytes = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<BytesPerElementAttribute>();
        int streams = bytes is null ? sized.Streams : bytes.Inputs + bytes.Outputs;
        return (streams * (double)sized.ElementSize * sized.Elements / median.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The time of this benchmark over that of the TensorPrimitives composition with the same parameters (below 1: faster).</summary>
public sealed class RatioToTensorPrimitivesColumn() : CustomColumn("vs TP", "Median time over the median time of the TensorPrimitives composition with the same parameters (below 1: faster than it)", 2)
{
    public const string MethodName = "TensorPrimitives";

    public override bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(b => b.Descriptor.WorkloadMethod.Name == MethodName);

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        BenchmarkCase? tp = summary.BenchmarksCases.FirstOrDefault(b =>
            b.Descriptor.WorkloadMethod.Name == MethodName
            && b.Descriptor.Type == benchmarkCase.Descriptor.Type
            && b.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo
            && b.Job == benchmarkCase.Job);
        double? mine = Sizes.MedianNanoseconds(summary, benchmarkCase);
        double? theirs = tp is null ? null : Sizes.MedianNanoseconds(summary, tp);
        return mine is null || theirs is null || theirs.Value <= 0 ? "-" : (mine.Value / theirs.Value).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
    }
}
