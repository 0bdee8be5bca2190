using System;

namespace FastLoss.PathProbe;

/// <summary>
/// The child process of the tests. No arguments: the instruction-set path the runtime allows, the hash of
/// <see cref="Workload"/> and that of the registry's losses (<see cref="Workload.CatalogueHash"/>). <c>label-race N</c>: <see cref="LabelRace"/> with N calls per shape.
/// <c>parallel-allocation N</c>: <see cref="ParallelAllocation"/> over N measured rounds. <c>catalogue</c>: each
/// catalogue entry's hash.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "label-race")
        {
            return LabelRace.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        if (args.Length == 2 && args[0] == "parallel-allocation")
        {
            return ParallelAllocation.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        if (args.Length == 1 && args[0] == "catalogue")
        {
            foreach (string line in Workload.CatalogueHashes())
            {
                Console.WriteLine(line);
            }
            return 0;
        }
        Console.WriteLine($"{KernelPaths.Supported} {Workload.Hash()} {Workload.CatalogueHash()}");
        return 0;
    }
}
