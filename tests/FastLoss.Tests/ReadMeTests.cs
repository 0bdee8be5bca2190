using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace FastLoss.Tests;

/// <summary>Every C# block of the README compiles, as a program of its own against FastLoss, and runs (so the README cannot rot).</summary>
public class ReadMeTests
{
    /// <summary>The repository: the folder of FastLoss.sln above the test's output.</summary>
    internal static string Root()
    {
        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FastLoss.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new DirectoryNotFoundException("the repository (FastLoss.sln) above the test's output");
    }

    private static string[] CodeBlocks()
        => [.. Regex.Matches(File.ReadAllText(Path.Combine(Root(), "README.md")), "```csharp\\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value)];

    public static TheoryData<int> Blocks => [.. Enumerable.Range(0, CodeBlocks().Length)];

    [Fact]
    public void TheReadMeHasCode() => Assert.True(CodeBlocks().Length >= 5, "the README's C# blocks are gone");

    [Theory]
    [MemberData(nameof(Blocks))]
    public void CodeBlockCompilesAndRuns(int index)
    {
        string code = CodeBlocks()[index];
        string[] trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        MetadataReference[] references = [.. trusted.Append(typeof(Loss).Assembly.Location)
            .Append(Path.Combine(AppContext.BaseDirectory, "System.Numerics.Tensors.dll"))
            .Distinct().Select(path => MetadataReference.CreateFromFile(path))];
        CSharpCompilation compilation = CSharpCompilation.Create($"ReadMe{index}",
            [CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest))], references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using MemoryStream image = new();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, $"README block {index} does not compile:\n{string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))}\n---\n{code}");
        MethodInfo entry = Assembly.Load(image.ToArray()).EntryPoint!;
        TextWriter console = Console.Out;
        StringWriter output = new();
        Console.SetOut(output);
        try
        {
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(console);
        }
        Assert.False(string.IsNullOrWhiteSpace(output.ToString()), $"README block {index} printed nothing");
        Assert.DoesNotContain("NaN", output.ToString());
    }
}
