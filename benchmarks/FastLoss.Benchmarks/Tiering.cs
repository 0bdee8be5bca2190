using System;
using System.Diagnostics;
using System.Threading;

namespace FastLoss.Benchmarks;

/// <summary>
/// Lets tiered compilation settle before BenchmarkDotNet measures a method. FastLoss's kernels are optimized from
/// their first call, but the scalar loops, the benchmark methods themselves and TensorPrimitives (an IL-only
/// package) start as tier-0 code, are promoted only after 100 ms without new tier-0 code, and pass through an
/// instrumented tier (dynamic PGO) on the way. BenchmarkDotNet's short warm-up did not always see the end of it:
/// on a Zen 5, TensorPrimitives' cross-entropy 256x10 was still 68-80 us in the measured iterations of the quick
/// job against 11 us settled, and 256x1000 1.4-1.9 ms against 120 us in a path's fresh process. The baselines were
/// measured slower than they are, and FastLoss looked faster than it is.
/// </summary>
internal static class Tiering
{
    /// <summary>A benchmark's setup: its data (<paramref name="setup"/>), then <see cref="Settle{T}(Func{T})"/> of the measured method.</summary>
    public static void Settle<T>(Action setup, Func<T> method)
    {
        setup();
        Settle(method);
    }

    /// <summary>
    /// Rounds of calls (each at least 40 ms and one call) with pauses of 80 ms between them, in which the runtime
    /// promotes what was called and compiles it in the background; done once a round is not 3% faster than the one
    /// before, after at least three rounds (at most ten).
    /// </summary>
    public static void Settle<T>(Func<T> method)
    {
        double previous = double.MaxValue;
        for (int round = 0; round < 10; round++)
        {
            long start = Stopwatch.GetTimestamp(), end = start + Stopwatch.Frequency / 25, now, calls = 0;
            do
            {
                method();
                calls++;
            }
            while ((now = Stopwatch.GetTimestamp()) < end);
            double perCall = (double)(now - start) / calls;
            Thread.Sleep(80);
            if (round >= 2 && perCall > previous * 0.97)
            {
                return;
            }
            previous = perCall;
        }
    }
}
