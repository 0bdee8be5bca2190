using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace FastLoss.Samples;

/// <summary>
/// The dense operations of a linear layer, row-major, allocation-free, in a fixed order. Weights are laid out as
/// PyTorch's <c>nn.Linear</c> keeps them, <c>[outputs × inputs]</c>, so that every inner step is a long vector operation
/// (a dot product or an axpy over the inputs).
/// </summary>
public static class Dense
{
    /// <summary>Forward: y[n×out] = x[n×in]·wᵀ + bias (bias may be empty).</summary>
    public static void Linear<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> bias, Span<T> y, int inputs, int outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length / outputs;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> xi = x.Slice(i * inputs, inputs);
            for (int o = 0; o < outputs; o++)
            {
                T dot = TensorPrimitives.Dot(xi, w.Slice(o * inputs, inputs));
                y[i * outputs + o] = bias.IsEmpty ? dot : dot + bias[o];
            }
        }
    }

    /// <summary>The weights' gradient: dw[out×in] = gᵀ·x (each row of x added to the output rows, scaled by g).</summary>
    public static void WeightGradient<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, Span<T> dw, int inputs, int outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = g.Length / outputs;
        dw.Clear();
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> xi = x.Slice(i * inputs, inputs);
            for (int o = 0; o < outputs; o++)
            {
                Span<T> row = dw.Slice(o * inputs, inputs);
                TensorPrimitives.MultiplyAdd(xi, g[i * outputs + o], row, row);
            }
        }
    }

    /// <summary>The input's gradient: dx[n×in] = g·w.</summary>
    public static void InputGradient<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> w, Span<T> dx, int inputs, int outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = g.Length / outputs;
        dx.Slice(0, n * inputs).Clear();
        for (int i = 0; i < n; i++)
        {
            Span<T> row = dx.Slice(i * inputs, inputs);
            for (int o = 0; o < outputs; o++)
            {
                TensorPrimitives.MultiplyAdd(w.Slice(o * inputs, inputs), g[i * outputs + o], row, row);
            }
        }
    }

    /// <summary>The bias's gradient: sums[out] = the column sums of g[n×out].</summary>
    public static void ColumnSums<T>(ReadOnlySpan<T> g, int outputs, Span<T> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        sums.Clear();
        for (int i = 0; i < g.Length; i += outputs)
        {
            TensorPrimitives.Add(sums, g.Slice(i, outputs), sums);
        }
    }

    /// <summary>p −= rate·g.</summary>
    public static void Descend<T>(Span<T> p, ReadOnlySpan<T> g, T rate) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.MultiplyAdd(g, -rate, p, p);
}
