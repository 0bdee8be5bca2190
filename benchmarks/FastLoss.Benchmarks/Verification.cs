using System;
using System.Numerics;

namespace FastLoss.Benchmarks;

/// <summary>
/// Before a benchmark case is timed, FastLoss's result on the case's data is checked against the scalar loop
/// run in double on the same inputs: a fast wrong kernel fails its case instead of showing up in a table.
/// </summary>
public static class Verification
{
    /// <summary>Loss within a relative 1e-4 (float) or 1e-9 (double); each gradient element within that of the largest.</summary>
    public static void Check<T>(string what, T loss, double expectedLoss, ReadOnlySpan<T> gradient, ReadOnlySpan<double> expectedGradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double tolerance = typeof(T) == typeof(float) ? 1e-4 : 1e-9;
        double got = double.CreateTruncating(loss);
        if (!(Math.Abs(got - expectedLoss) <= tolerance * Math.Max(Math.Abs(expectedLoss), 1e-30)))
        {
            throw new InvalidOperationException($"{what}: FastLoss gives {got:R}, the double scalar loop {expectedLoss:R}");
        }
        if (gradient.IsEmpty)
        {
            return;
        }
        double largest = 0;
        foreach (double g in expectedGradient)
        {
            largest = Math.Max(largest, Math.Abs(g));
        }
        for (int i = 0; i < gradient.Length; i++)
        {
            double g = double.CreateTruncating(gradient[i]);
            if (!(Math.Abs(g - expectedGradient[i]) <= tolerance * (largest + Math.Abs(expectedGradient[i]))))
            {
                throw new InvalidOperationException($"{what}: gradient[{i}] is {g:R}, the double scalar loop gives {expectedGradient[i]:R}");
            }
        }
    }

    /// <summary>The inputs widened to double.</summary>
    public static double[] Widen<T>(T[] values) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double[] result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = double.CreateTruncating(values[i]);
        }
        return result;
    }
}
