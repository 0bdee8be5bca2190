using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace FastLoss.Benchmarks;

/// <summary>
/// FastLoss's benchmark suite. No arguments: the quick default (a representative subset, a short in-process
/// job, a few minutes). <c>compare A B</c>: benchmark-by-benchmark ratios of two result folders. Anything
/// else goes to BenchmarkDotNet (<c>--filter '*'</c> runs everything, <c>--list flat</c> lists it).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            if (args.Length > 0 && args[0] == "compare")
            {
                return Compare.Run(args.Skip(1).ToArray());
            }
            if (args.Length > 0 && args[0] == "verify")
            {
                return VerifyAll();
            }
            if (args.Length > 0 && !args[0].StartsWith('-'))
            {
                Console.Error.WriteLine($"Unknown command '{args[0]}'. Use no arguments (quick default), 'compare <resultsA> <resultsB>', 'verify', or BenchmarkDotNet options such as --filter '*', --list flat.");
                return 2;
            }
            // One thread per call everywhere but in Scaling: the per-core comparison with TensorPrimitives and the
            // scalar loop, which are single-threaded.
            Parallelism.MaxThreads = 1;
            string results = ResultsFolder();
            Directory.CreateDirectory(results);
            Machine.Write(results);
            IConfig config = Config(results, quick: args.Length == 0);
            if (args.Length == 0)
            {
                Console.WriteLine($"FastLoss quick benchmark on {Machine.Describe()}; results go to {results}");
                Summary[] summaries = BenchmarkRunner.Run(QuickSubset(config));
                return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
            }
            Summary[] all = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToArray();
            return all.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or JsonException or FormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>
    /// Runs every benchmark case's setup, which checks FastLoss against the scalar loop in double, without
    /// timing anything (the 16M sizes are left to the timed runs, which check them the same way).
    /// </summary>
    private static int VerifyAll()
    {
        int cases = 0;
        foreach (string loss in ElementwiseLoss<float>.All.Keys)
        {
            foreach (int n in new[] { 4096, 65536, 1 << 20, 1_000_003 })
            {
                foreach (Form form in new[] { Form.Fused, Form.Value })
                {
                    new Elementwise<float> { Loss = loss, N = n, Form = form }.Setup();
                    new Elementwise<double> { Loss = loss, N = n, Form = form }.Setup();
                    cases += 2;
                }
            }
        }
        foreach (string shape in new[] { "256x10", "256x1000", "64x32000" })
        {
            foreach (string variant in new[] { "Labels", "SoftTargets", "NLL" })
            {
                foreach (Form form in new[] { Form.Fused, Form.Value })
                {
                    new CrossEntropy<float> { Shape = shape, Form = form, Variant = variant }.Setup();
                    new CrossEntropy<double> { Shape = shape, Form = form, Variant = variant }.Setup();
                    cases += 2;
                }
            }
        }
        foreach (string c in new[] { "MultiMargin 256x1000", "CosineEmbedding 4096x256", "TripletMargin 4096x256", "Dice 64x65536",
            "Tversky 64x65536", "MultiLabelSoftMargin 256x1000", "CrossEntropyZ 256x1000", "MarginRanking 1x1048576", "GaussianNLL 1x1048576" })
        {
            new MoreLosses { Case = c }.Setup();
            cases++;
        }
        Console.WriteLine($"{cases} benchmark cases: FastLoss agrees with the scalar loop in double");
        return 0;
    }

    private static IConfig Config(string results, bool quick)
    {
        ManualConfig config = ManualConfig.CreateEmpty()
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median, new NanosecondsPerElementColumn(), new BandwidthColumn(), new RatioToTensorPrimitivesColumn())
            .AddExporter(MarkdownExporter.GitHub, CsvExporter.Default, JsonExporter.Full)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(results)
            .WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
        if (quick)
        {
            // Few, short iterations, in this process: under five minutes for the whole subset on two cores (with
            // BenchmarkDotNet's 500 ms iterations it took 7.3 minutes on the Xeon of benchmarks/results).
            config.AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(200))
                .WithToolchain(InProcessEmitToolchain.Instance).WithId("Quick"));
        }
        return config;
    }

    /// <summary>
    /// The quick default: the figures the project reports, one size per cache level where it matters; every path
    /// under its own setting for MSE 64K and cross-entropy 256×1000; R² over 1M floats; the objective 0.5·BCE with logits +
    /// 0.5·focal over 1M floats; fused MSE over 64K beside the plainest loop; a training step of the digits sample with each loss; one core against all for BCE with logits 16M;
    /// the first calls of a new process. One table per benchmark class.
    /// </summary>
    private static BenchmarkRunInfo[] QuickSubset(IConfig config)
    {
        static bool Keep(BenchmarkCase c)
        {
            Dictionary<string, object> p = c.Parameters.Items.ToDictionary(i => i.Name, i => i.Value);
            string type = c.Descriptor.Type.Name;
            if (type.StartsWith("Elementwise", StringComparison.Ordinal))
            {
                bool isFloat = c.Descriptor.Type.GenericTypeArguments[0] == typeof(float);
                string loss = (string)p["Loss"];
                int n = (int)p["N"];
                Form form = (Form)p["Form"];
                return isFloat && form == Form.Fused && (loss is "MSE" && n is 65536 or 1 << 24 || loss is "BCEWithLogits" or "LogCosh" && n == 1 << 20)
                    || isFloat && form == Form.Value && loss is "MSE" && n == 1 << 24;
            }
            if (type.StartsWith("CrossEntropy", StringComparison.Ordinal))
            {
                return c.Descriptor.Type.GenericTypeArguments[0] == typeof(float) && (Form)p["Form"] == Form.Fused && (string)p["Variant"] == "Labels";
            }
            if (type == nameof(Paths))
            {
                return (string)p["Kernel"] is "MSE 64K" or "CrossEntropy 256x1000";
            }
            if (type == nameof(Metrics))
            {
                return (string)p["Case"] == "R2 1M";
            }
            if (type == nameof(Objectives))
            {
                return (string)p["Case"] == "0.5 BCEWithLogits + 0.5 Focal 1M";
            }
            if (type == nameof(TrainingSteps))
            {
                return (string)p["Trainer"] == "digits";
            }
            if (type == nameof(Scaling))
            {
                return (string)p["Kernel"] == "BCEWithLogits 16M";
            }
            return type is nameof(Rooflines) or nameof(InCache) or nameof(ColdStart);
        }
        Type[] types = [typeof(CrossEntropy<float>), typeof(Elementwise<float>), typeof(Metrics), typeof(Objectives), typeof(TrainingSteps), typeof(Rooflines), typeof(InCache), typeof(Scaling)];
        // Paths and ColdStart run in processes of their own (their jobs), not in the quick in-process job.
        return types
            .Select(t => BenchmarkConverter.TypeToBenchmarks(t, config))
            .Append(BenchmarkConverter.TypeToBenchmarks(typeof(Paths), WithoutJobs(config)))
            .Append(BenchmarkConverter.TypeToBenchmarks(typeof(ColdStart), WithoutJobs(config)))
            .Select(info => new BenchmarkRunInfo(info.BenchmarksCases.Where(Keep).ToArray(), info.Type, info.Config))
            .Where(info => info.BenchmarksCases.Length > 0)
            .ToArray();
    }

    /// <summary>The suite's config without its quick in-process job, for the classes that bring their own jobs.</summary>
    private static ManualConfig WithoutJobs(IConfig config)
    {
        ManualConfig copy = ManualConfig.CreateEmpty()
            .AddLogger(config.GetLoggers().ToArray())
            .AddColumnProvider(config.GetColumnProviders().ToArray())
            .AddExporter(config.GetExporters().ToArray())
            .AddDiagnoser(config.GetDiagnosers().ToArray())
            .WithArtifactsPath(config.ArtifactsPath)
            .WithOrderer(config.Orderer ?? BenchmarkDotNet.Order.DefaultOrderer.Instance);
        return copy;
    }

    /// <summary>benchmarks/results/&lt;cpu&gt;/ next to this project, found from the build output, not the current directory.</summary>
    private static string ResultsFolder()
    {
        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FastLoss.sln")))
        {
            directory = directory.Parent;
        }
        string root = directory?.FullName ?? Directory.GetCurrentDirectory();
        return Path.Combine(root, "benchmarks", "results", Machine.Slug());
    }
}

/// <summary>The machine's identity, written next to each run's results.</summary>
public static class Machine
{
    public static string CpuModel() => CpuInfo("model name") ?? Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? RuntimeInformation.ProcessArchitecture.ToString();

    /// <summary>A field of the first processor in /proc/cpuinfo (Linux), or null.</summary>
    private static string? CpuInfo(string field)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/cpuinfo"))
        {
            return null;
        }
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal) && l.IndexOf(':', StringComparison.Ordinal) is int colon && colon > 0 && l[..colon].Trim() == field);
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    /// <summary>
    /// Model name, family/model (VMs name Zen 3 and Zen 5 alike "AMD EPYC"), cores and widest path: the folder of
    /// this machine's results.
    /// </summary>
    public static string Slug()
    {
        string family = CpuInfo("cpu family") is string f && CpuInfo("model") is string m ? $"-f{f}m{m}" : "";
        string raw = $"{CpuModel()}{family}-{Environment.ProcessorCount}c-{KernelPaths.Supported}".ToLowerInvariant();
        return string.Join('-', raw.Split(raw.Where(c => !char.IsLetterOrDigit(c)).Distinct().ToArray(), StringSplitOptions.RemoveEmptyEntries));
    }

    public static string Describe()
        => $"{CpuModel()} (family {CpuInfo("cpu family") ?? "?"}, model {CpuInfo("model") ?? "?"}), {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, widest path {KernelPaths.Supported}";

    /// <summary>Cache sizes by level and type, from /sys (Linux): for example "L1d": "48K".</summary>
    private static Dictionary<string, string> Caches()
    {
        Dictionary<string, string> caches = [];
        string root = "/sys/devices/system/cpu/cpu0/cache";
        if (!Directory.Exists(root))
        {
            return caches;
        }
        foreach (string index in Directory.GetDirectories(root, "index*"))
        {
            string Read(string name) => File.Exists(Path.Combine(index, name)) ? File.ReadAllText(Path.Combine(index, name)).Trim() : "";
            string type = Read("type") switch { "Data" => "d", "Instruction" => "i", _ => "" };
            caches[$"L{Read("level")}{type}"] = Read("size");
        }
        return caches;
    }

    /// <summary>The instruction sets the runtime reports (what this process may use), and the CPU's own flags of interest.</summary>
    private static string[] InstructionSets()
    {
        List<string> sets = [];
        void Add(string name, bool supported)
        {
            if (supported)
            {
                sets.Add(name);
            }
        }
        Add("SSE4.2", System.Runtime.Intrinsics.X86.Sse42.IsSupported);
        Add("AVX", System.Runtime.Intrinsics.X86.Avx.IsSupported);
        Add("AVX2", System.Runtime.Intrinsics.X86.Avx2.IsSupported);
        Add("FMA", System.Runtime.Intrinsics.X86.Fma.IsSupported);
        Add("AVX-512F", System.Runtime.Intrinsics.X86.Avx512F.IsSupported);
        Add("AVX-512BW", System.Runtime.Intrinsics.X86.Avx512BW.IsSupported);
        Add("AVX-512VL", System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported);
        Add("AdvSimd", System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported);
        return sets.ToArray();
    }

    public static void Write(string folder)
    {
        string[] flags = (CpuInfo("flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var identity = new
        {
            cpu = CpuModel(),
            family = CpuInfo("cpu family"),
            model = CpuInfo("model"),
            stepping = CpuInfo("stepping"),
            cores = Environment.ProcessorCount,
            caches = Caches(),
            instructionSets = InstructionSets(),
            cpuFlags = flags.Where(f => f.StartsWith("avx", StringComparison.Ordinal) || f is "fma" or "sse4_2" or "f16c" or "bmi2").ToArray(),
            os = RuntimeInformation.OSDescription,
            architecture = RuntimeInformation.ProcessArchitecture.ToString(),
            dotnet = RuntimeInformation.FrameworkDescription,
            vector512 = Vector512.IsHardwareAccelerated,
            vector256 = Vector256.IsHardwareAccelerated,
            vector128 = Vector128.IsHardwareAccelerated,
            vectorFloatCount = System.Numerics.Vector<float>.Count,
            fastLossWidestPath = KernelPaths.Supported.ToString(),
            date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        File.WriteAllText(Path.Combine(folder, "environment.json"), JsonSerializer.Serialize(identity, new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine);
    }
}
