using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace FastLoss.Samples;

/// <summary>The few dense operations the trainers need, row-major, allocation-free, in a fixed order.</summary>
public static class Dense
{
    /// <summary>c[n×k] = a[n×d]·b[d×k] + bias[k] (bias may be empty).</summary>
    public static void MultiplyAddBias<T>(ReadOnlySpan<T> a, int d, ReadOnlySpan<T> b, int k, ReadOnlySpan<T> bias, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = c.Length / k;
        for (int i = 0; i < n; i++)
        {
            Span<T> row = c.Slice(i * k, k);
            if (bias.IsEmpty)
            {
                row.Clear();
            }
            else
            {
                bias.CopyTo(row);
            }
            ReadOnlySpan<T> ai = a.Slice(i * d, d);
            for (int j = 0; j < d; j++)
            {
                TensorPrimitives.MultiplyAdd(b.Slice(j * k, k), ai[j], row, row);
            }
        }
    }

    /// <summary>c[d×k] = a[n×d]ᵀ·g[n×k] (the gradient of the weights of <see cref="MultiplyAddBias"/>).</summary>
    public static void TransposeMultiply<T>(ReadOnlySpan<T> a, int d, ReadOnlySpan<T> g, int k, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = g.Length / k;
        c.Clear();
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> gi = g.Slice(i * k, k), ai = a.Slice(i * d, d);
            for (int j = 0; j < d; j++)
            {
                Span<T> cj = c.Slice(j * k, k);
                TensorPrimitives.MultiplyAdd(gi, ai[j], cj, cj);
            }
        }
    }

    /// <summary>c[n×d] = g[n×k]·b[d×k]ᵀ (the gradient of the input of <see cref="MultiplyAddBias"/>).</summary>
    public static void MultiplyTransposed<T>(ReadOnlySpan<T> g, int k, ReadOnlySpan<T> b, int d, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = g.Length / k;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> gi = g.Slice(i * k, k);
            for (int j = 0; j < d; j++)
            {
                c[i * d + j] = TensorPrimitives.Dot(gi, b.Slice(j * k, k));
            }
        }
    }

    /// <summary>sums[k] = the column sums of g[n×k] (the gradient of a bias).</summary>
    public static void ColumnSums<T>(ReadOnlySpan<T> g, int k, Span<T> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        sums.Clear();
        for (int i = 0; i < g.Length; i += k)
        {
            TensorPrimitives.Add(sums, g.Slice(i, k), sums);
        }
    }

    /// <summary>p −= rate·g.</summary>
    public static void Descend<T>(Span<T> p, ReadOnlySpan<T> g, T rate) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.MultiplyAdd(g, -rate, p, p);
}
