using System;
using Xunit;

namespace FastLoss.Tests;

/// <summary>Float reductions over 16M elements stay within 1e-6 of the exact sum.</summary>
public class AccuracyTests
{
    private const int N = 1 << 24;

    [Fact]
    public void MeanSquaredErrorOf16MFloatsIsWithinOneMillionthOfTheExactValue()
    {
        Random rng = new(16);
        float[] p = new float[N], t = new float[N];
        for (int i = 0; i < N; i++)
        {
            p[i] = (float)(rng.NextDouble() * 2);
            t[i] = (float)rng.NextDouble();
        }
        // Exact reference: each float term d² is computed exactly in double (d = p − t is exact in double for
        // floats, d² has at most 48 significant bits) and summed with Neumaier compensation.
        double sum = 0, compensation = 0;
        float naive = 0;
        for (int i = 0; i < N; i++)
        {
            double d = (double)p[i] - t[i];
            double term = d * d;
            double s = sum + term;
            compensation += Math.Abs(sum) >= Math.Abs(term) ? (sum - s) + term : (term - s) + sum;
            sum = s;
            float df = p[i] - t[i];
            naive += df * df;
        }
        double exact = (sum + compensation) / N;
        float value = Loss.MeanSquaredError<float>(p, t);
        double error = Math.Abs(value - exact) / exact;
        Assert.True(error <= 1e-6, $"relative error {error:E2}");
        // The test can fail: a plain float running sum misses by far more than the bound.
        double naiveError = Math.Abs(naive / (double)N - exact) / exact;
        Assert.True(naiveError > 1e-4, $"naive float sum error {naiveError:E2}");
        float[] g = new float[N];
        Assert.Equal(value, Loss.MeanSquaredError<float>(p, t, g));
    }
}
