using System.Diagnostics;
using System.IO;
using FastLoss;
using Xunit;

namespace FastLoss.Tests;

/// <summary>Runs the tests' child process (tests/FastLoss.PathProbe) with arguments and, optionally, one runtime setting.</summary>
internal static class ChildProbe
{
    public static string Path()
    {
        // tests/FastLoss.Tests/bin/<Configuration>/<tfm>/ → tests/FastLoss.PathProbe/bin/<Configuration>/<tfm>/
        DirectoryInfo tfm = new(System.AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        string configuration = tfm.Parent!.Name;
        string probe = System.IO.Path.GetFullPath(System.IO.Path.Combine(tfm.FullName, "..", "..", "..", "..", "FastLoss.PathProbe", "bin", configuration, tfm.Name, "FastLoss.PathProbe.dll"));
        Assert.True(File.Exists(probe), $"path probe not built: {probe}");
        return probe;
    }

    /// <summary>Runs the probe to its end (at most two minutes) and returns its exit code and output.</summary>
    public static (int ExitCode, string Output, string Error) Run(string setting, params string[] arguments)
    {
        ProcessStartInfo start = new("dotnet", [Path(), .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string name in new[] { "DOTNET_EnableAVX512", "DOTNET_EnableAVX2", "DOTNET_EnableHWIntrinsic", "DOTNET_PreferredVectorBitWidth", KernelPaths.EnvironmentVariable })
        {
            start.Environment.Remove(name);
        }
        if (setting != "")
        {
            // "NAME" switches NAME off (0); "NAME=VALUE" sets it.
            string[] parts = setting.Split('=', 2);
            start.Environment[parts[0]] = parts.Length == 2 ? parts[1] : "0";
        }
        using Process process = Process.Start(start)!;
        // Both streams at once: a child that fills one pipe while this side waits on the other would hang.
        System.Threading.Tasks.Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "probe timed out");
        return (process.ExitCode, output, error.Result);
    }
}
