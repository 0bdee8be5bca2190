using System;
using System.Linq;
using System.Numerics;
using FastLoss.Kernels;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// Large calls run their segments on several threads: the bits do not depend on how many, nothing is allocated,
/// and an exception in a worker reaches the caller. <see cref="Parallelism.MaxThreads"/> is process-wide, so these
/// tests share the collection of the path tests (never in parallel with them).
/// </summary>
[Collection(nameof(KernelPathCollection))]
public unsafe class ParallelismTests
{
    private static void WithThreads(int threads, Action action)
    {
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = threads;
            action();
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void AnyNumberOfThreadsGivesTheSameBits()
    {
        Random rng = new(7);
        int n = 3 * (1 << 20) + 12345;
        float[] x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        float[] y = Enumerable.Range(0, n).Select(_ => (float)rng.Next(2)).ToArray();
        float[] probabilities = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        int[] labels = Enumerable.Range(0, 300).Select(_ => rng.Next(1000)).ToArray();
        int[] vocabularyLabels = Enumerable.Range(0, 64).Select(_ => rng.Next(32000)).ToArray();
        int[] narrowLabels = Enumerable.Range(0, 20000).Select(_ => rng.Next(10)).ToArray();
        (string Name, Func<float[], float> Run)[] calls =
        [
            ("MSE", g => Loss.MeanSquaredError<float>(x, y, g)),
            ("BCE with logits", g => Loss.BinaryCrossEntropyWithLogits<float>(x, y, g)),
            ("focal", g => Loss.SigmoidFocal<float>(x, probabilities, g)),
            ("RMSE", g => Loss.RootMeanSquaredError<float>(x, y, g)),
            ("cross-entropy 300x1000", g => Loss.CrossEntropy<float>(x.AsSpan(0, 300_000), labels, 1000, g.AsSpan(0, 300_000))),
            ("cross-entropy 64x32000 smoothed", g => Loss.CrossEntropy<float>(x.AsSpan(0, 64 * 32000), vocabularyLabels, 32000, g.AsSpan(0, 64 * 32000), labelSmoothing: 0.1)),
            ("cross-entropy 20000x10", g => Loss.CrossEntropy<float>(x.AsSpan(0, 200_000), narrowLabels, 10, g.AsSpan(0, 200_000))),
            ("soft cross-entropy 300x1000", g => Loss.CrossEntropy<float>(x.AsSpan(0, 300_000), probabilities.AsSpan(0, 300_000), 1000, g.AsSpan(0, 300_000))),
        ];
        foreach ((string name, Func<float[], float> run) in calls)
        {
            float[] g1 = new float[n];
            float v1 = 0;
            WithThreads(1, () => v1 = run(g1));
            foreach (int threads in new[] { 2, 3, 8 })
            {
                float[] g = new float[n];
                float v = 0;
                WithThreads(threads, () => v = run(g));
                Check.SameBits(v1, v, $"{name} on {threads} threads");
                Check.SameBits<float>(g1, g, $"{name} gradient on {threads} threads");
            }
        }
    }

    [Fact]
    public void ALargeCallOnSeveralThreadsAllocatesNothing()
    {
        // In a child process: the allocation counter is process-wide, and other test classes allocate beside this one.
        (int exitCode, string output, string error) = ChildProbe.Run("", "parallel-allocation", "20");
        Assert.True(exitCode == 0, error);
        string[] rounds = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(20, rounds.Length);
        Assert.All(rounds, bytes => Assert.Equal("0", bytes));
    }

    private static double Square(void* context, int index) => (double)index * index;

    private static double FailAtFive(void* context, int index)
        => index == 5 ? throw new InvalidOperationException("segment five") : index;

    /// <summary>
    /// Gradients past the caches (non-temporal stores, from <see cref="PointwiseDriver.StreamedBytes"/> on, here lowered
    /// to every call of several segments) have the bits of ordinary stores: at every offset of the gradient from a
    /// 64-byte boundary (the lines are assembled from two vectors), with the inputs at other offsets or in place, on
    /// one thread and on three, on the two paths that stream (512-bit; 256-bit, which keeps ordinary stores in place).
    /// The threshold is process-wide: a test of another collection that runs meanwhile may stream too, with the same bits.
    /// </summary>
    [Fact]
    public void StreamedGradientsHaveTheBitsOfCachedOnes()
    {
        long saved = PointwiseDriver.StreamedBytes;
        try
        {
            EveryPath.Run(path =>
            {
                if (path < KernelPath.Vector256)
                {
                    return; // no streaming: the same code either way (and the bits of every path are tested elsewhere)
                }
                Streamed<float>(17, (x, y, g) => Loss.MeanSquaredError<float>(x, y, g), $"MSE on {path}");
                Streamed<float>(17, (x, y, g) => Loss.Huber<float>(x, y, g, 0.5f, Reduction.Sum), $"Huber on {path}");
                Streamed<float>(17, (x, y, g) => Loss.MeanAbsoluteError<float>(x, y, g), $"MAE on {path}");
                Streamed<double>(9, (x, y, g) => Loss.MeanSquaredError<double>(x, y, g), $"MSE double on {path}");
            });
        }
        finally
        {
            PointwiseDriver.StreamedBytes = saved;
        }
    }

    /// <summary>The streaming threshold follows the last-level cache: a quarter of it, at least 8 MB, 64 MB where it is unknown.</summary>
    [Fact]
    public void TheStreamingThresholdFollowsTheLastLevelCache()
    {
        Assert.Equal(32L << 20, PointwiseDriver.ParseCacheSize("32768K\n"));
        Assert.Equal(1L << 20, PointwiseDriver.ParseCacheSize("1M"));
        Assert.Equal(512, PointwiseDriver.ParseCacheSize("512"));
        Assert.Equal(0, PointwiseDriver.ParseCacheSize("-1K"));
        Assert.Equal(0, PointwiseDriver.ParseCacheSize("lots"));
        Assert.Equal(8L << 20, PointwiseDriver.DefaultStreamedBytes(32L << 20));
        Assert.Equal(8L << 20, PointwiseDriver.DefaultStreamedBytes(16L << 20));
        Assert.Equal(26L << 20, PointwiseDriver.DefaultStreamedBytes(104L << 20));
        Assert.Equal(64L << 20, PointwiseDriver.DefaultStreamedBytes(0));
        string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fastloss-cache-{Guid.NewGuid():N}");
        try
        {
            foreach ((string index, string size) in new[] { ("index0", "48K"), ("index2", "1024K"), ("index3", "98304K"), ("index1", "32K") })
            {
                System.IO.Directory.CreateDirectory(System.IO.Path.Combine(root, index));
                System.IO.File.WriteAllText(System.IO.Path.Combine(root, index, "size"), size + "\n");
            }
            Assert.Equal(96L << 20, PointwiseDriver.LastLevelCacheBytes(root));
            Assert.Equal(0, PointwiseDriver.LastLevelCacheBytes(System.IO.Path.Combine(root, "absent")));
        }
        finally
        {
            System.IO.Directory.Delete(root, recursive: true);
        }
    }

    private delegate T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> gradient);

    private static void Streamed<T>(int offsets, Fused<T> run, string name) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Random rng = new(11);
        int n = 3 * PointwiseDriver.SegmentLength + 37;
        T[] x = Enumerable.Range(0, n + offsets).Select(_ => T.CreateTruncating(rng.NextDouble() * 8 - 4)).ToArray();
        T[] y = Enumerable.Range(0, n + offsets).Select(_ => T.CreateTruncating(rng.NextDouble() * 8 - 4)).ToArray();
        for (int offset = 0; offset < offsets; offset++)
        {
            foreach (bool inPlace in new[] { false, true })
            {
                foreach (int threads in new[] { 1, 3 })
                {
                    T[] cached = new T[n + offsets], streamed = new T[n + offsets];
                    T[] xCached = (T[])x.Clone(), xStreamed = (T[])x.Clone();
                    T expected = default, actual = default;
                    WithThreads(threads, () =>
                    {
                        PointwiseDriver.StreamedBytes = long.MaxValue;
                        expected = run(xCached.AsSpan(offsets - 1 - offset, n), y.AsSpan(offset / 2, n), inPlace ? xCached.AsSpan(offsets - 1 - offset, n) : cached.AsSpan(offset, n));
                        PointwiseDriver.StreamedBytes = 0;
                        actual = run(xStreamed.AsSpan(offsets - 1 - offset, n), y.AsSpan(offset / 2, n), inPlace ? xStreamed.AsSpan(offsets - 1 - offset, n) : streamed.AsSpan(offset, n));
                    });
                    string what = $"{name} streamed, gradient at offset {offset}{(inPlace ? " in place" : "")}, {threads} threads";
                    Check.SameBits(expected, actual, what);
                    Check.SameBits<T>(cached, streamed, what);
                    Check.SameBits<T>(xCached, xStreamed, what + " (inputs)");
                }
            }
        }
    }

    [Fact]
    public void AnExceptionInASegmentReachesTheCallerAndTheWorkersCarryOn()
    {
        WithThreads(4, () =>
        {
            for (int attempt = 0; attempt < 20; attempt++)
            {
                InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => Segments.Sum(&FailAtFive, null, 40, parallel: true));
                Assert.Equal("segment five", e.Message);
                // 0² + 1² + … + 199², in rounds of 64: the same on any threads.
                Assert.Equal(2_646_700.0, Segments.Sum(&Square, null, 200, parallel: true));
            }
        });
    }
}
