using System;
using System.Linq;
using Xunit;

namespace FastLoss.Tests;

/// <summary>No call allocates on the managed heap, on any path.</summary>
[Collection(nameof(KernelPathCollection))]
public class AllocationTests
{
    [Fact]
    public void NoFormOfAnyLossAllocates()
    {
        EveryPath.Run(path =>
        {
            Measure<float>(path);
            Measure<double>(path);
        });
    }

    private static void Measure<T>(KernelPath path) where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        foreach (int n in new[] { 7, 1000 })
        {
            foreach (PointwiseLoss loss in PointwiseLoss.All)
            {
                (T[] x, T[] y) = PointwiseTests<T>.Inputs(loss, n, seed: 1);
                T[] g = new T[n];
                void Run()
                {
                    loss.Value<T>(x, y, Reduction.Mean);
                    loss.Fused<T>(x, y, g, Reduction.Sum);
                    loss.PerElement<T>(x, y, g);
                }
                Run();
                long before = GC.GetAllocatedBytesForCurrentThread();
                Run();
                Assert.True(GC.GetAllocatedBytesForCurrentThread() == before, $"{loss.Name} {typeof(T).Name} n={n} on {path} allocated");
            }
        }
        T[] logits = new T[17 * 40], targets = new T[17 * 40], grad = new T[17 * 40], weights = new T[40], perRow = new T[17];
        int[] labels = Enumerable.Range(0, 17).Select(r => r % 40).ToArray();
        Array.Fill(weights, T.One);
        Array.Fill(targets, T.CreateTruncating(1.0 / 40));
        foreach (int classes in new[] { 10, 40 })
        {
            int[] lab = labels.Select(v => v % classes).ToArray();
            Span<T> l = logits.AsSpan(0, 17 * classes), t = targets.AsSpan(0, 17 * classes), g = grad.AsSpan(0, 17 * classes);
            void Run(Span<T> l, Span<T> t, Span<T> g)
            {
                Loss.CrossEntropy<T>(l, lab, classes, g, Reduction.Mean, weights.AsSpan(0, classes), labelSmoothing: 0.1);
                Loss.CrossEntropy<T>(l, lab, classes);
                Loss.CrossEntropyPerRow<T>(l, lab, classes, perRow);
                Loss.CrossEntropy<T>(l, t, classes, g, labelSmoothing: 0.1);
                Loss.NegativeLogLikelihood<T>(l, lab, classes, g);
                Loss.KullbackLeiblerDivergence<T>(l, t, classes, g);
            }
            Run(l, t, g);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(l, t, g);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() == before, $"multi-class {typeof(T).Name} {classes} classes on {path} allocated");
        }
    }
}
