using System;

namespace FastLoss.PathProbe;

public static class Program
{
    public static int Main()
    {
        Console.WriteLine($"{KernelPaths.Supported} {Workload.Hash()}");
        return 0;
    }
}
