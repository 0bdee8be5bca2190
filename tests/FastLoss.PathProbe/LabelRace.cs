using System;
using System.Threading;

namespace FastLoss.PathProbe;

/// <summary>
/// A caller's labels changing while a call reads them: a second thread flips one label between a valid class
/// and one far outside the row, while this thread calls cross-entropy and NLL in each of their forms and row
/// shapes. Every call must finish or throw <see cref="ArgumentOutOfRangeException"/>, and no memory outside the
/// spans passed in may change (arrays with known contents sit on both sides of the outputs). The tests run this
/// in a child process: a failure may be a crash.
/// </summary>
public static class LabelRace
{
    private const float Sentinel = -7f;

    public static int Run(int callsPerShape)
    {
        long calls = 0, thrown = 0;
        // (rows, classes): rows one at a time, a long row, narrow rows in blocks.
        foreach ((int rows, int classes) in new[] { (4, 64), (2, 1000), (32, 10), (32, 3) })
        {
            int n = rows * classes;
            float[] before = Filled(4096);
            float[] gradient = new float[n];
            float[] perRow = new float[rows];
            float[] after = Filled(4096);
            float[] logits = new float[n];
            Random rng = new(n);
            for (int i = 0; i < n; i++)
            {
                logits[i] = (float)(rng.NextDouble() * 8 - 4);
            }
            int[] labels = new int[rows];
            int flipped = rows / 2;
            for (int r = 0; r < rows; r++)
            {
                labels[r] = r % classes;
            }
            using CancellationTokenSource stop = new();
            Thread flipper = new(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    Volatile.Write(ref labels[flipped], 300);
                    Volatile.Write(ref labels[flipped], 1 % classes);
                }
            }) { IsBackground = true };
            flipper.Start();
            for (int call = 0; call < callsPerShape; call++)
            {
                try
                {
                    switch (call % 5)
                    {
                        case 0: Loss.CrossEntropy<float>(logits, labels, classes, gradient); break;
                        case 1: Loss.CrossEntropy<float>(logits, labels, classes, gradient, labelSmoothing: 0.1); break;
                        case 2: Loss.CrossEntropyPerRow<float>(logits, labels, classes, perRow); break;
                        case 3: Loss.NegativeLogLikelihood<float>(logits, labels, classes, gradient); break;
                        default: Loss.NegativeLogLikelihoodPerRow<float>(logits, labels, classes, perRow); break;
                    }
                }
                catch (ArgumentOutOfRangeException)
                {
                    thrown++;
                }
                calls++;
                if (!Intact(before) || !Intact(after))
                {
                    stop.Cancel();
                    Console.WriteLine($"corrupted: memory beside the outputs changed ({rows}x{classes}, call {call})");
                    return 1;
                }
            }
            stop.Cancel();
            flipper.Join();
        }
        Console.WriteLine($"ok {calls} calls, {thrown} threw");
        return 0;
    }

    private static float[] Filled(int n)
    {
        float[] a = new float[n];
        Array.Fill(a, Sentinel);
        return a;
    }

    private static bool Intact(float[] a) => Array.TrueForAll(a, v => v == Sentinel);
}
