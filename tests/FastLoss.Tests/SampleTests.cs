using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text.RegularExpressions;
using System.Threading;
using FastLoss.Samples;
using Xunit;

namespace FastLoss.Tests;

/// <summary>The sample trainers (samples/FastLoss.Samples): their output, their losses, and a step that allocates nothing.</summary>
[Collection(nameof(KernelPathCollection))]
public class SampleTests
{
    public static TheoryData<string> Trainers => [.. Program.Trainers];

    private static string[] Run<T>(string name, int steps, ICollective? collective = null) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        StringWriter output = new();
        Program.Create<T>(name, collective).Run(output, steps);
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static double Value(string line) => double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Trainers))]
    public void AFewStepsPrintTheFormatAndTheLossDecreases(string name)
    {
        foreach (bool useDouble in new[] { false, true })
        {
            string[] lines = useDouble ? Run<double>(name, 5) : Run<float>(name, 5);
            for (int i = 0; i < 5; i++)
            {
                Assert.Matches(new Regex($"^step {i} loss -?[0-9.E+-]+$"), lines[i]);
            }
            Assert.Matches(new Regex("^final loss [0-9.E+-]+$"), lines[5]);
            Assert.Matches(new Regex("^accuracy [0-9.E+-]+$"), lines[6]);
            double first = Value(lines[0]), last = Value(lines[4]), final = Value(lines[5]);
            if (name == "digits-mlp")
            {
                // Minibatches: each step's loss is its own batch's; the training loss after five steps is below the first batch's.
                Assert.True(final < first, $"{name}: final {final} not below step 0's {first}");
            }
            else
            {
                Assert.True(last < first && final < last, $"{name} ({(useDouble ? "double" : "float")}): losses {first}, {last}, {final} do not decrease");
            }
            // Round-trip formatting: the printed value is the loss itself, in its own type.
            string step0 = lines[0].Split(' ')[^1];
            Assert.Equal(step0, useDouble ? double.Parse(step0, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) : float.Parse(step0, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// The runs follow PyTorch's own (TestData/trajectories, made by the script there with PyTorch 1.13): every
    /// printed loss to 1e-5 relative in float and 1e-9 in double (the matrix products add in other orders), the
    /// accuracy exactly.
    /// </summary>
    [Theory]
    [InlineData("digits")]
    [InlineData("breast-cancer")]
    public void TrajectoriesAreTorchs(string name)
    {
        foreach (bool useDouble in new[] { false, true })
        {
            string file = Path.Combine(AppContext.BaseDirectory, "TestData", "trajectories", $"{name}-{(useDouble ? "double" : "float")}.txt");
            string[] torch = File.ReadAllLines(file);
            string[] ours = useDouble ? Run<double>(name, 200) : Run<float>(name, 200);
            Assert.Equal(torch.Length, ours.Length);
            for (int i = 0; i < torch.Length; i++)
            {
                Assert.Equal(string.Join(' ', torch[i].Split(' ')[..^1]), string.Join(' ', ours[i].Split(' ')[..^1]));
                double expected = Value(torch[i]), actual = Value(ours[i]);
                double tolerance = torch[i].StartsWith("accuracy", StringComparison.Ordinal) ? 0 : useDouble ? 1e-9 : 1e-5;
                Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Abs(expected), $"{name} line {i}: ours {ours[i]}, PyTorch {torch[i]}");
            }
        }
    }

    [Fact]
    public void DigitsInFloatAndDoubleAgreeAfter200Steps()
    {
        string[] single = Run<float>("digits", 200), @double = Run<double>("digits", 200);
        Assert.Equal(single.Length, @double.Length);
        for (int i = 0; i < single.Length; i++)
        {
            double a = Value(single[i]), b = Value(@double[i]);
            Assert.True(Math.Abs(a - b) <= 1e-4 * Math.Abs(b), $"line {i}: float {single[i]}, double {@double[i]}");
        }
        Assert.StartsWith("final loss", single[^2]);
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void AWarmStepAllocatesNothing(string name)
    {
        Trainer<float> trainer = Program.Create<float>(name);
        Trainer<double> other = Program.Create<double>(name);
        // Warm: every shape of step once (the minibatch trainer's short last batch of an epoch is step 44) and past
        // the runtime's tier-up of the methods a step calls. Measured from step 3, a window once caught 5,920 bytes
        // of the runtime's own (one CI run, one path), not a step's.
        for (int i = 0; i < 100; i++)
        {
            trainer.Step(i);
            other.Step(i);
        }
        System.Threading.Thread.Sleep(300);
        long before = GC.GetAllocatedBytesForCurrentThread();
        // 60 steps: an epoch boundary among them (the minibatch trainer's epoch is 45 steps, the last one of 29 rows).
        for (int i = 100; i < 160; i++)
        {
            trainer.Step(i);
            other.Step(i);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>
    /// The data-parallel trainers on threads standing in for MPI ranks (each rank its shard, sums in rank order):
    /// the same output as one process, to 1e-5 relative in float and 1e-12 in double.
    /// </summary>
    [Theory]
    [InlineData("digits", 2)]
    [InlineData("digits", 3)]
    [InlineData("breast-cancer", 2)]
    public void DataParallelRunsMatchOneProcess(string name, int ranks)
    {
        Compare<float>(name, ranks, 1e-5);
        Compare<double>(name, ranks, 1e-12);
    }

    private static void Compare<T>(string name, int ranks, double tolerance) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        string[] single = Run<T>(name, 200);
        ThreadRanks group = new(ranks);
        string[][] outputs = new string[ranks][];
        // A thread per rank (each blocks in the sums until every rank has come).
        Thread[] threads = [.. Enumerable.Range(0, ranks).Select(rank => new Thread(() =>
        {
            StringWriter output = new();
            Program.Create<T>(name, group.Rank(rank)).Run(output, 200, print: true);
            outputs[rank] = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }))];
        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => t.Join());
        foreach (string[] lines in outputs)
        {
            Assert.Equal(single.Length, lines.Length);
            for (int i = 0; i < single.Length; i++)
            {
                Assert.Equal(string.Join(' ', single[i].Split(' ')[..^1]), string.Join(' ', lines[i].Split(' ')[..^1]));
                double a = Value(single[i]), b = Value(lines[i]);
                Assert.True(Math.Abs(a - b) <= tolerance * Math.Abs(a), $"{name} {typeof(T).Name} on {ranks} ranks, line {i}: {lines[i]}, one process: {single[i]}");
            }
        }
    }

    /// <summary>Ranks on threads: a sum gathers every rank's values, and each rank adds them in rank order.</summary>
    private sealed class ThreadRanks(int size)
    {
        private readonly Barrier _barrier = new(size);
        private readonly object[] _slots = new object[size];

        public ICollective Rank(int rank) => new Member(this, rank);

        private sealed class Member(ThreadRanks group, int rank) : ICollective
        {
            public int Rank => rank;
            public int Size => group._slots.Length;

            public void SumInPlace<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
            {
                group._slots[rank] = values.ToArray();
                group._barrier.SignalAndWait();
                for (int i = 0; i < values.Length; i++)
                {
                    T sum = ((T[])group._slots[0])[i];
                    for (int r = 1; r < Size; r++)
                    {
                        sum += ((T[])group._slots[r])[i];
                    }
                    values[i] = sum;
                }
                group._barrier.SignalAndWait();
            }

            public void Dispose()
            {
            }
        }
    }
}
