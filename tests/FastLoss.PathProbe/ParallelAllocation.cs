using System;
using System.Threading;

namespace FastLoss.PathProbe;

/// <summary>
/// Large calls on two threads, measured with the process-wide allocation counter. In the test process other test
/// classes allocate on their own threads at the same time, so the count is taken here, where nothing else runs.
/// Prints the bytes allocated by each of <c>rounds</c> measured rounds (after a warm-up); 0 on every line is a pass.
/// </summary>
internal static class ParallelAllocation
{
    public static int Run(int rounds)
    {
        int n = 1 << 21;
        float[] x = new float[n], y = new float[n], g = new float[n];
        Array.Fill(x, 0.5f);
        Parallelism.MaxThreads = 2;
        // Warm-up: the workers are created, and a worker's first sleep between calls may allocate once.
        for (int i = 0; i < 3; i++)
        {
            Calls(x, y, g);
            Thread.Sleep(5);
        }
        long[] allocated = new long[rounds];
        for (int round = 0; round < rounds; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            Calls(x, y, g);
            allocated[round] = GC.GetTotalAllocatedBytes(precise: true) - before;
            // Between calls the workers spin, then sleep: both states are measured.
            Thread.Sleep(round % 2 == 0 ? 0 : 5);
        }
        foreach (long bytes in allocated)
        {
            Console.WriteLine(bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return 0;
    }

    private static readonly int[] Labels = new int[64];

    private static void Calls(float[] x, float[] y, float[] g)
    {
        Loss.BinaryCrossEntropyWithLogits<float>(x, y, g);
        Loss.MeanSquaredError<float>(x, y, g);
        Loss.CrossEntropy<float>(x.AsSpan(0, 64 * 32000), Labels, 32000, g.AsSpan(0, 64 * 32000));
    }
}
