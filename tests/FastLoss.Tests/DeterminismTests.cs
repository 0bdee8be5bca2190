using System;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FastLoss.Kernels;
using FastLoss.PathProbe;
using Xunit;

namespace FastLoss.Tests;

/// <summary>Tests that change <see cref="KernelPaths.Active"/>, a process-wide setting: never in parallel with others.</summary>
[CollectionDefinition(nameof(KernelPathCollection), DisableParallelization = true)]
public sealed class KernelPathCollection;

/// <summary>Bit-identical results on every instruction-set path, whatever the alignment, in this process and in child processes.</summary>
[Collection(nameof(KernelPathCollection))]
public class DeterminismTests
{
    [Fact]
    public void EveryPathGivesTheSameWorkloadHash()
    {
        string? expected = null;
        EveryPath.Run(path =>
        {
            string hash = Workload.Hash();
            expected ??= hash;
            Assert.True(expected == hash, $"{path} gives {hash}, the first path {expected}");
        });
    }

    [Fact]
    public void EveryPathGivesTheSameCatalogueHash()
    {
        string? expected = null;
        EveryPath.Run(path =>
        {
            string hash = Workload.CatalogueHash();
            expected ??= hash;
            Assert.True(expected == hash, $"{path} gives {hash}, the first path {expected}");
        });
    }

    [Theory]
    [MemberData(nameof(PointwiseTests<float>.Losses), MemberType = typeof(PointwiseTests<float>))]
    public void EveryPathGivesBitIdenticalElementwiseResults(string name)
    {
        PointwiseLoss loss = PointwiseLoss.All.Single(l => l.Name == name);
        foreach (int n in new[] { 1, 15, 16, 17, 100, 255, 513, 4099 })
        {
            Compare<float>(loss, n);
            Compare<double>(loss, n);
        }
    }

    private static void Compare<T>(PointwiseLoss loss, int n) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        (T[] x, T[] y) = PointwiseTests<T>.Inputs(loss, n, seed: n + 1);
        T[]? g0 = null;
        T v0 = T.Zero;
        EveryPath.Run(path =>
        {
            T[] g = new T[n];
            T v = loss.Fused<T>(x, y, g, Reduction.Sum);
            if (g0 is null)
            {
                (g0, v0) = (g, v);
                return;
            }
            Check.SameBits(v0, v, $"{loss.Name} {typeof(T).Name} n={n} on {path}");
            Check.SameBits<T>(g0, g, $"{loss.Name} {typeof(T).Name} n={n} gradient on {path}");
        });
    }

    [Fact]
    public void EveryPathGivesBitIdenticalLongRowCrossEntropy()
    {
        // Long rows (past the transposed blocks' 32 classes) with and without a partial last chunk and over several
        // groups of 16 chunks, labels and soft targets, smoothing, class weights with a zero and an infinite one
        // (∞·0 in the partial chunk's masked lanes), gradients separate and in place: each path its own loop (the
        // scalar path one element at a time), a row whose maximum is zero: the same lanes in the same order.
        foreach (int classes in new[] { 33, 47, 64, 257, 1000, 4099 })
        {
            LongRows<float>(classes);
            LongRows<double>(classes);
        }
    }

    private static void LongRows<T>(int classes) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        const int rows = 4;
        Random rng = new(classes);
        T[] x = Enumerable.Range(0, rows * classes).Select(_ => T.CreateTruncating(rng.NextDouble() * 16 - 8)).ToArray();
        // The last row's maximum is zero, both −0 and +0 in it (the scalar path's plain maximum takes that row again in
        // the vector's lanes, whose order decides which zero is kept), and logits whose float e^(x − max) is subnormal
        // (where the emulated fused steps are taken again exactly).
        for (int c = 0; c < classes; c++)
        {
            x[3 * classes + c] = c == 2 || c == classes - 1 ? T.NegativeZero : c == classes - 3 || c == classes / 2 ? T.Zero
                : c % 7 == 5 ? T.CreateTruncating(-87.5 - c % 3 * 0.1) : -T.Abs(x[3 * classes + c]);
        }
        T[] soft = Enumerable.Range(0, rows * classes).Select(_ => T.CreateTruncating(rng.NextDouble() / classes * 2)).ToArray();
        int[] labels = [0, classes - 1, classes / 2, 2];
        // The infinite weight at the first column of the partial last chunk (64 bytes from the row's end), a lane the
        // chunk masks out.
        int infinite = classes - 64 / Unsafe.SizeOf<T>();
        T[] weights = Enumerable.Range(0, classes).Select(c => c == 1 ? T.Zero : c == infinite ? T.PositiveInfinity : T.CreateTruncating(0.5 + rng.NextDouble())).ToArray();
        foreach ((bool useSoft, bool weighted, double smoothing) in new[] { (false, false, 0.0), (false, true, 0.0), (false, false, 0.1), (false, true, 0.1), (true, false, 0.0), (true, false, 0.1) })
        {
            foreach (bool inPlace in new[] { false, true })
            {
                T[]? g0 = null;
                T v0 = T.Zero;
                EveryPath.Run(path =>
                {
                    T[] g = inPlace ? (T[])x.Clone() : new T[x.Length];
                    T[] input = inPlace ? g : x;
                    T v = useSoft
                        ? Loss.CrossEntropy<T>(input, soft, classes, g, labelSmoothing: smoothing)
                        : Loss.CrossEntropy<T>(input, labels, classes, g, classWeights: weighted ? weights : default, labelSmoothing: smoothing);
                    string what = $"{typeof(T).Name} {classes} classes soft={useSoft} weighted={weighted} smoothing={smoothing} inPlace={inPlace} on {path}";
                    if (g0 is null)
                    {
                        (g0, v0) = (g, v);
                        return;
                    }
                    Check.SameBits(v0, v, what);
                    Check.SameBits<T>(g0, g, what + " gradient");
                });
            }
        }
    }

    /// <summary>
    /// CosineEmbedding's float sums of products (lane by lane in double, the last block on a zero-padded copy) and its
    /// gradient at every tail length up to two blocks and past them, separate and in place: the same bits on every path.
    /// </summary>
    [Fact]
    public void CosineEmbeddingGivesTheSameBitsOnEveryPathAtEveryDimension()
    {
        foreach (int dimension in Enumerable.Range(1, 130).Concat([255, 257, 1000]))
        {
            Cosine<float>(dimension);
            if (dimension % 16 == 1)
            {
                Cosine<double>(dimension);
            }
        }
    }

    private static void Cosine<T>(int dimension) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        const int rows = 3;
        Random rng = new(dimension);
        T[] a = Enumerable.Range(0, rows * dimension).Select(_ => T.CreateTruncating(rng.NextDouble() * 4 - 2)).ToArray();
        T[] b = a.Select((x, i) => i < dimension ? T.CreateTruncating(1.5) * x : T.CreateTruncating(rng.NextDouble() * 4 - 2)).ToArray();
        T[] targets = [T.One, -T.One, -T.One];
        foreach (bool inPlace in new[] { false, true })
        {
            T[]? g10 = null, g20 = null;
            T v0 = T.Zero;
            EveryPath.Run(path =>
            {
                T[] g1 = inPlace ? (T[])a.Clone() : new T[a.Length], g2 = inPlace ? (T[])b.Clone() : new T[b.Length];
                T v = Loss.CosineEmbedding<T>(inPlace ? g1 : a, inPlace ? g2 : b, targets, dimension, g1, g2, margin: -0.5);
                string what = $"{typeof(T).Name} dimension {dimension} inPlace={inPlace} on {path}";
                if (g10 is null)
                {
                    (g10, g20, v0) = (g1, g2, v);
                    return;
                }
                Check.SameBits(v0, v, what);
                Check.SameBits<T>(g10, g1, what + " gradient1");
                Check.SameBits<T>(g20, g2!, what + " gradient2");
            });
        }
    }

    /// <summary>
    /// A row's padded last block is read in place where the rows after it follow in memory (RowDriver.Sums'
    /// readable): every row of a batch, its loss and gradient, has the bits of the same row alone (whose last block
    /// is a zero-padded copy), on every path, with the rows between them holding extreme values (whose terms
    /// overflow) or other probabilities, at tails of 1, 2, 6, 40 and 63 columns (float; double 1, 2, 6, 8 and 31), in
    /// batches of 6 rows and of 258 (Dice and Tversky take their sums while validating up to 256 rows, after it past).
    /// </summary>
    [Fact]
    public void RowsReadInPlaceHaveTheBitsOfTheSameRowsAlone()
    {
        foreach (int columns in new[] { 1, 6, 70, 127, 130, 1000 })
        {
            foreach (int rows in columns <= 130 ? new[] { 6, 258 } : new[] { 6 })
            {
                EveryPath.Run(path =>
                {
                    RowsAlone<float>(rows, columns, path);
                    RowsAlone<double>(rows, columns, path);
                });
            }
        }
    }

    private static void RowsAlone<T>(int rows, int columns, KernelPath path) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Random rng = new(columns);
        // Even rows ordinary, odd rows extreme: their squares and products overflow in any lane that reads them.
        T[] Make(bool probabilities) => Enumerable.Range(0, rows * columns).Select(i => (i / columns) % 2 == 0
            ? T.CreateTruncating(probabilities ? rng.NextDouble() : rng.NextDouble() * 4 - 2)
            : T.CreateTruncating(probabilities ? i % 2 : (i % 2 == 0 ? 1 : -1) * 3e38)).ToArray();
        T[] a = Make(false), b = Make(false), c = Make(false), p = Make(true), t = Make(true).Select(v => T.Round(v)).ToArray();
        int[] labels = Enumerable.Range(0, rows).Select(r => (r * 7) % columns).ToArray();
        string what = $"{typeof(T).Name} {rows}x{columns} on {path}";
        Compare("multi margin", 1, (x, y, z, l, g0, g1, g2, perRow) =>
        {
            Loss.MultiMarginPerRow<T>(x, l, columns, perRow, p: 2);
            Loss.MultiMargin<T>(x, l, columns, g0, Reduction.Sum, p: 2);
        });
        Compare("triplet", 3, (x, y, z, l, g0, g1, g2, perRow) =>
        {
            Loss.TripletMarginPerRow<T>(x, y, z, columns, perRow, margin: 50);
            Loss.TripletMargin<T>(x, y, z, columns, g0, g1, g2, Reduction.Sum, margin: 50);
        });
        Compare("dice", 1, (x, y, z, l, g0, g1, g2, perRow) =>
        {
            Loss.DicePerRow<T>(x, y, columns, perRow);
            Loss.Dice<T>(x, y, columns, g0, Reduction.Sum);
        }, p, t);
        Compare("tversky", 1, (x, y, z, l, g0, g1, g2, perRow) =>
        {
            Loss.TverskyPerRow<T>(x, y, columns, perRow, alpha: 0.3, beta: 0.7);
            Loss.Tversky<T>(x, y, columns, g0, Reduction.Sum, alpha: 0.3, beta: 0.7);
        }, p, t);

        void Compare(string loss, int gradients, RowRun<T> run, T[]? x = null, T[]? y = null)
        {
            x ??= a;
            y ??= b;
            T[] perRow = new T[rows];
            T[][] g = [new T[x.Length], new T[x.Length], new T[x.Length]];
            run(x, y, c, labels, g[0], g[1], g[2], perRow);
            for (int r = 0; r < rows; r += 2)
            {
                T[] Row(T[] v) => v.AsSpan(r * columns, columns).ToArray();
                T[] one = new T[1];
                T[][] h = [new T[columns], new T[columns], new T[columns]];
                run(Row(x), Row(y), Row(c), [labels[r]], h[0], h[1], h[2], one);
                Check.SameBits(one[0], perRow[r], $"{loss} {what}: row {r}'s loss");
                for (int k = 0; k < gradients; k++)
                {
                    Check.SameBits<T>(h[k], Row(g[k]), $"{loss} {what}: row {r}'s gradient {k}");
                }
            }
        }
    }

    private delegate void RowRun<T>(T[] x, T[] y, T[] z, int[] labels, T[] g0, T[] g1, T[] g2, T[] perRow);

    [Fact]
    public void EveryAddressOfTheDataGivesTheSameBits()
    {
        // The order of summation is fixed by the index, never by the address: the same data at every offset within
        // a 64-byte line, on every path, gives the same bits.
        foreach (int n in new[] { 16, 40, 1000, 4099 })
        {
            Random rng = new(n);
            float[] x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
            float[] y = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
            float[] g0 = new float[n];
            double v0 = Dispatch.Pointwise<float, LogCoshOperator<float>, FusedMode>(KernelPath.Scalar, x, y, default, g0, default, 1f, 1);
            foreach (KernelPath path in EveryPath.Supported)
            {
                for (int offset = 0; offset < 16; offset++)
                {
                    float[] xs = new float[n + 16], ys = new float[n + 16], gs = new float[n + 16];
                    x.CopyTo(xs, offset);
                    y.CopyTo(ys, 15 - offset);
                    double v = Dispatch.Pointwise<float, LogCoshOperator<float>, FusedMode>(path, xs.AsSpan(offset, n), ys.AsSpan(15 - offset, n), default, gs.AsSpan(offset, n), default, 1f, 1);
                    Assert.True(BitConverter.DoubleToInt64Bits(v0) == BitConverter.DoubleToInt64Bits(v), $"n={n} {path} offset={offset}: {v} vs {v0}");
                    Check.SameBits<float>(g0, gs.AsSpan(offset, n), $"n={n} {path} offset={offset} gradient");
                }
            }
        }
    }

    [Fact]
    public void SupportedPathMatchesTheRuntimeSettings()
    {
        KernelPath expected =
            Vector512.IsHardwareAccelerated ? KernelPath.Vector512
            : Vector256.IsHardwareAccelerated ? KernelPath.Vector256
            : Vector128.IsHardwareAccelerated ? KernelPath.Vector128
            : KernelPath.Scalar;
        Assert.Equal(expected, KernelPaths.Supported);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0")
        {
            Assert.Equal(KernelPath.Scalar, KernelPaths.Supported);
        }
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0")
        {
            Assert.True(KernelPaths.Supported <= KernelPath.Vector128);
        }
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0")
        {
            Assert.True(KernelPaths.Supported <= KernelPath.Vector256);
        }
        if (Environment.GetEnvironmentVariable("DOTNET_PreferredVectorBitWidth") == "128")
        {
            Assert.True(KernelPaths.Supported <= KernelPath.Vector128);
        }
    }

    [Fact]
    public void SettingAPathWiderThanTheCpuThrows()
    {
        if (KernelPaths.Supported < KernelPath.Vector512)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => KernelPaths.Active = KernelPath.Vector512);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelPaths.Active = (KernelPath)9);
    }

    [Fact]
    public void ChildProcessesUnderEachSwitchTakeANarrowerPathAndGiveTheSameBits()
    {
        // The child with no switch runs on what the hardware offers (this process may itself run under a switch).
        string expectedHash = RunInProcessOnDefaultPath();
        (KernelPath hardware, string defaultHash) = RunProbe("");
        Assert.True(expectedHash == defaultHash, $"default on {hardware}: hash {defaultHash}, in-process {expectedHash}");
        Assert.True(hardware >= KernelPaths.Supported, $"the unswitched child runs on {hardware}, narrower than this process's {KernelPaths.Supported}");
        (string Setting, KernelPath AtMost)[] runs =
        [
            ("DOTNET_EnableAVX512", KernelPath.Vector256),
            ("DOTNET_PreferredVectorBitWidth=128", KernelPath.Vector128),
            ("DOTNET_EnableAVX2", KernelPath.Vector128),
            ("DOTNET_EnableHWIntrinsic", KernelPath.Scalar),
        ];
        foreach ((string setting, KernelPath atMost) in runs)
        {
            (KernelPath path, string hash) = RunProbe(setting);
            Assert.True(path <= atMost, $"{setting}: probe ran on {path}, expected at most {atMost}");
            // Each setting really takes the path away (on a CPU without AVX-512 the first one has nothing to take).
            Assert.True(hardware <= atMost || path < hardware, $"{setting} did not narrow the path ({path})");
            Assert.True(expectedHash == hash, $"{setting} on {path}: hash {hash}, in-process {expectedHash}");
        }
    }

    private static string RunInProcessOnDefaultPath()
    {
        KernelPath saved = KernelPaths.Active;
        try
        {
            KernelPaths.Active = KernelPaths.Supported;
            return $"{Workload.Hash()} {Workload.CatalogueHash()}";
        }
        finally
        {
            KernelPaths.Active = saved;
        }
    }

    private static (KernelPath Path, string Hash) RunProbe(string setting)
    {
        (int exitCode, string output, string error) = ChildProbe.Run(setting);
        Assert.True(exitCode == 0, $"probe failed ({exitCode}): {error}");
        string[] parts = output.Trim().Split(' ');
        return (Enum.Parse<KernelPath>(parts[0]), string.Join(' ', parts[1..]));
    }
}
