using System;
using System.Numerics;
using Xunit.Sdk;

namespace FastLoss.Tests;

/// <summary>Tolerances by type, and comparisons whose failure messages say what failed where.</summary>
public static class Check
{
    /// <summary>Relative tolerance per element: a few ulps of T after the library's exp/log.</summary>
    public static double Relative<T>() => typeof(T) == typeof(float) ? 1e-5 : 1e-12;

    /// <summary>Absolute slack, scaled by the largest magnitude involved (cancellation, e.g. σ(x) − t).</summary>
    public static double Absolute<T>() => typeof(T) == typeof(float) ? 1e-6 : 1e-13;

    public static double D<T>(T value) where T : IBinaryFloatingPointIeee754<T> => double.CreateTruncating(value);

    public static void Close(double expected, double actual, double tolerance, string what)
    {
        if (double.IsNaN(expected) && double.IsNaN(actual))
        {
            return;
        }
        if (expected == actual)
        {
            return;
        }
        if (!(Math.Abs(expected - actual) <= tolerance))
        {
            throw new XunitException($"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):E3}, tolerance {tolerance:E3})");
        }
    }

    /// <summary>Element-wise: |e − a| ≤ rel·|e| + abs·max|e|.</summary>
    public static void Elements<T>(ReadOnlySpan<double> expected, ReadOnlySpan<T> actual, string what, double relativeScale = 1, double magnitude = 0)
        where T : IBinaryFloatingPointIeee754<T>
    {
        // magnitude: the size of the terms the expected values are made of, where they can cancel to 0.
        double max = magnitude;
        foreach (double e in expected)
        {
            max = Math.Max(max, Math.Abs(e));
        }
        for (int i = 0; i < expected.Length; i++)
        {
            Close(expected[i], D(actual[i]), relativeScale * (Relative<T>() * Math.Abs(expected[i]) + Absolute<T>() * max), $"{what} [{i}]");
        }
    }

    public static void SameBits<T>(T expected, T actual, string what) where T : IBinaryFloatingPointIeee754<T>
    {
        if (T.IsNaN(expected) && T.IsNaN(actual))
        {
            return;
        }
        if (BitConverter.DoubleToInt64Bits(D(expected)) != BitConverter.DoubleToInt64Bits(D(actual)))
        {
            throw new XunitException($"{what}: not bit-identical: {D(expected):R} vs {D(actual):R}");
        }
    }

    public static void SameBits<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what) where T : IBinaryFloatingPointIeee754<T>
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{what}: lengths {expected.Length} vs {actual.Length}");
        }
        for (int i = 0; i < expected.Length; i++)
        {
            SameBits(expected[i], actual[i], $"{what} [{i}]");
        }
    }

    public static T[] Convert<T>(ReadOnlySpan<double> values) where T : IBinaryFloatingPointIeee754<T>
    {
        T[] result = new T[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = T.CreateTruncating(values[i]);
        }
        return result;
    }

    public static double[] Widen<T>(ReadOnlySpan<T> values) where T : IBinaryFloatingPointIeee754<T>
    {
        double[] result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = D(values[i]);
        }
        return result;
    }
}
