using System;
using System.Linq;
using System.Numerics;

namespace FastLoss.Samples;

/// <summary>dotnet run -c Release --project samples/FastLoss.Samples -- &lt;trainer&gt; [--double] [--data-parallel]</summary>
public static class Program
{
    public static readonly string[] Trainers = ["digits", "breast-cancer", "diabetes", "digits-mlp"];

    public static int Main(string[] args)
    {
        string[] names = [.. args.Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
        bool useDouble = args.Contains("--double"), dataParallel = args.Contains("--data-parallel");
        string[] unknown = [.. args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a is not "--double" and not "--data-parallel")];
        if (names.Length != 1 || !Trainers.Contains(names[0]) || unknown.Length != 0)
        {
            Console.Error.WriteLine($"usage: FastLoss.Samples <{string.Join("|", Trainers)}> [--double] [--data-parallel]");
            Console.Error.WriteLine("  --data-parallel (digits, breast-cancer): under mpirun, each rank takes a shard of the rows.");
            return 2;
        }
        if (dataParallel && names[0] is not ("digits" or "breast-cancer"))
        {
            Console.Error.WriteLine($"--data-parallel is for digits and breast-cancer, not {names[0]}.");
            return 2;
        }
        using ICollective? collective = dataParallel ? new Mpi() : null;
        if (useDouble)
        {
            Run<double>(names[0], collective);
        }
        else
        {
            Run<float>(names[0], collective);
        }
        return 0;
    }

    /// <summary>Makes the trainer <paramref name="name"/> (data-parallel over <paramref name="collective"/> where given).</summary>
    public static Trainer<T> Create<T>(string name, ICollective? collective = null) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => name switch
        {
            "digits" => new Digits<T>(collective),
            "breast-cancer" => new BreastCancer<T>(collective),
            "diabetes" => new Diabetes<T>(),
            "digits-mlp" => new DigitsMlp<T>(),
            _ => throw new ArgumentException($"no trainer {name}; the trainers are {string.Join(", ", Trainers)}.", nameof(name)),
        };

    private static void Run<T>(string name, ICollective? collective) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Create<T>(name, collective).Run(Console.Out, print: collective is null || collective.Rank == 0);
}
