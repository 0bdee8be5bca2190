using System;
using System.Collections.Generic;
using System.Numerics;
using System.Numerics.Tensors;

namespace FastLoss.Benchmarks;

/// <summary>
/// One element-wise loss three ways: FastLoss, a plain scalar loop (what a user writes by hand with
/// Math/MathF) and the composition of TensorPrimitives calls a .NET user would write. Each computes the mean
/// loss and, in the fused form, its gradient.
/// </summary>
public sealed class ElementwiseLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>, IHyperbolicFunctions<T>
{
    public delegate T Value(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> scratch);
    public delegate T Fused(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> gradient, Span<T> scratch);

    public required string Name { get; init; }
    public required Func<Random, (double X, double Y)> Sample { get; init; }
    public required Value FastLossValue { get; init; }
    public required Fused FastLossFused { get; init; }
    public required Value ScalarValue { get; init; }
    public required Fused ScalarFused { get; init; }
    public Value? TensorPrimitivesValue { get; init; }
    public Fused? TensorPrimitivesFused { get; init; }

    private static T C(double v) => T.CreateTruncating(v);

    /// <summary>log(1 + e^m) without overflow, as a careful scalar loop writes it.</summary>
    private static T SoftPlus(T m) => m > T.Zero ? m + T.LogP1(T.Exp(-m)) : T.LogP1(T.Exp(m));

    public static IReadOnlyDictionary<string, ElementwiseLoss<T>> All { get; } = Build();

    private static Dictionary<string, ElementwiseLoss<T>> Build()
    {
        T half = C(0.5), delta = C(1.0), tau = C(0.3);
        Func<Random, (double, double)> regression = r => (r.NextDouble() * 4 - 2, r.NextDouble() * 4 - 2);
        Func<Random, (double, double)> logits = r => (r.NextDouble() * 8 - 4, r.Next(2));
        ElementwiseLoss<T>[] losses =
        [
            new()
            {
                Name = "MSE", Sample = regression,
                FastLossValue = (x, y, _) => Loss.MeanSquaredError(x, y),
                FastLossFused = (x, y, g, _) => Loss.MeanSquaredError(x, y, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { T d = x[i] - y[i]; s += d * d; } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(2.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T d = x[i] - y[i]; s += d * d; g[i] = d * k; }
                    return s / C(x.Length);
                },
                TensorPrimitivesValue = (x, y, scratch) =>
                {
                    TensorPrimitives.Subtract(x, y, scratch);
                    return TensorPrimitives.SumOfSquares<T>(scratch) / C(x.Length);
                },
                TensorPrimitivesFused = (x, y, g, _) =>
                {
                    TensorPrimitives.Subtract(x, y, g);
                    T s = TensorPrimitives.SumOfSquares<T>(g);
                    TensorPrimitives.Multiply(g, C(2.0 / x.Length), g);
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "MAE", Sample = regression,
                FastLossValue = (x, y, _) => Loss.MeanAbsoluteError(x, y),
                FastLossFused = (x, y, g, _) => Loss.MeanAbsoluteError(x, y, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { s += T.Abs(x[i] - y[i]); } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T d = x[i] - y[i]; s += T.Abs(d); g[i] = C(T.Sign(d)) * k; }
                    return s / C(x.Length);
                },
                TensorPrimitivesFused = (x, y, g, scratch) =>
                {
                    // sign(d) = d / |d| (0 where d = 0 needs a fix-up the composition cannot express cheaply).
                    TensorPrimitives.Subtract(x, y, g);
                    TensorPrimitives.Abs<T>(g, scratch);
                    T s = TensorPrimitives.Sum<T>(scratch);
                    TensorPrimitives.Divide<T>(g, scratch, g);
                    TensorPrimitives.Multiply(g, C(1.0 / x.Length), g);
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "Huber", Sample = regression,
                FastLossValue = (x, y, _) => Loss.Huber(x, y, delta),
                FastLossFused = (x, y, g, _) => Loss.Huber(x, y, g, delta),
                ScalarValue = (x, y, _) =>
                {
                    T s = T.Zero;
                    for (int i = 0; i < x.Length; i++) { T a = T.Abs(x[i] - y[i]); s += a < delta ? half * a * a : delta * (a - half * delta); }
                    return s / C(x.Length);
                },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++)
                    {
                        T d = x[i] - y[i], a = T.Abs(d);
                        s += a < delta ? half * d * d : delta * (a - half * delta);
                        g[i] = T.Clamp(d, -delta, delta) * k;
                    }
                    return s / C(x.Length);
                },
                TensorPrimitivesFused = (x, y, g, scratch) =>
                {
                    // clamp(d) = max(min(d, δ), −δ); loss = d·clamp(d) − ½clamp(d)² summed.
                    TensorPrimitives.Subtract(x, y, scratch);
                    TensorPrimitives.Min(scratch, delta, g);
                    TensorPrimitives.Max(g, -delta, g);
                    T s = TensorPrimitives.Dot<T>(scratch, g) - half * TensorPrimitives.SumOfSquares<T>(g);
                    TensorPrimitives.Multiply(g, C(1.0 / x.Length), g);
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "RMSE", Sample = regression,
                FastLossValue = (x, y, _) => Loss.RootMeanSquaredError(x, y),
                FastLossFused = (x, y, g, _) => Loss.RootMeanSquaredError(x, y, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { T d = x[i] - y[i]; s += d * d; } return T.Sqrt(s / C(x.Length)); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero;
                    for (int i = 0; i < x.Length; i++) { T d = x[i] - y[i]; s += d * d; }
                    T rmse = T.Sqrt(s / C(x.Length)), k = T.One / (C(x.Length) * rmse);
                    for (int i = 0; i < x.Length; i++) { g[i] = (x[i] - y[i]) * k; }
                    return rmse;
                },
                TensorPrimitivesFused = (x, y, g, _) =>
                {
                    TensorPrimitives.Subtract(x, y, g);
                    T rmse = T.Sqrt(TensorPrimitives.SumOfSquares<T>(g) / C(x.Length));
                    TensorPrimitives.Multiply(g, T.One / (C(x.Length) * rmse), g);
                    return rmse;
                },
            },
            new()
            {
                Name = "SmoothL1", Sample = regression,
                FastLossValue = (x, y, _) => Loss.SmoothL1(x, y, delta),
                FastLossFused = (x, y, g, _) => Loss.SmoothL1(x, y, g, delta),
                ScalarValue = (x, y, _) =>
                {
                    T s = T.Zero;
                    for (int i = 0; i < x.Length; i++) { T a = T.Abs(x[i] - y[i]); s += a < delta ? half * a * a / delta : a - half * delta; }
                    return s / C(x.Length);
                },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++)
                    {
                        T d = x[i] - y[i], a = T.Abs(d);
                        s += a < delta ? half * d * d / delta : a - half * delta;
                        g[i] = T.Clamp(d / delta, -T.One, T.One) * k;
                    }
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "LogCosh", Sample = regression,
                FastLossValue = (x, y, _) => Loss.LogCosh(x, y),
                FastLossFused = (x, y, g, _) => Loss.LogCosh(x, y, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { s += T.Log(T.Cosh(x[i] - y[i])); } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T d = x[i] - y[i]; s += T.Log(T.Cosh(d)); g[i] = T.Tanh(d) * k; }
                    return s / C(x.Length);
                },
                TensorPrimitivesFused = (x, y, g, scratch) =>
                {
                    TensorPrimitives.Subtract(x, y, g);
                    TensorPrimitives.Cosh<T>(g, scratch);
                    TensorPrimitives.Log<T>(scratch, scratch);
                    T s = TensorPrimitives.Sum<T>(scratch);
                    TensorPrimitives.Tanh<T>(g, g);
                    TensorPrimitives.Multiply(g, C(1.0 / x.Length), g);
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "Quantile", Sample = regression,
                FastLossValue = (x, y, _) => Loss.Quantile(x, y, tau),
                FastLossFused = (x, y, g, _) => Loss.Quantile(x, y, g, tau),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { T u = y[i] - x[i]; s += T.Max(tau * u, (tau - T.One) * u); } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T u = y[i] - x[i]; s += T.Max(tau * u, (tau - T.One) * u); g[i] = (u > T.Zero ? -tau : u < T.Zero ? T.One - tau : T.Zero) * k; }
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "Poisson", Sample = r => (r.NextDouble() * 4 - 2, r.Next(6)),
                FastLossValue = (x, y, _) => Loss.PoissonNegativeLogLikelihood(x, y),
                FastLossFused = (x, y, g, _) => Loss.PoissonNegativeLogLikelihood(x, y, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { s += T.Exp(x[i]) - y[i] * x[i]; } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T e = T.Exp(x[i]); s += e - y[i] * x[i]; g[i] = (e - y[i]) * k; }
                    return s / C(x.Length);
                },
                TensorPrimitivesFused = (x, y, g, _) =>
                {
                    TensorPrimitives.Exp<T>(x, g);
                    T s = TensorPrimitives.Sum<T>(g) - TensorPrimitives.Dot(x, y);
                    TensorPrimitives.Subtract(g, y, g);
                    TensorPrimitives.Multiply(g, C(1.0 / x.Length), g);
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "PoissonRate", Sample = r => (0.05 + 5 * r.NextDouble(), r.Next(6)),
                FastLossValue = (x, y, _) => Loss.PoissonNegativeLogLikelihood(x, y, logInput: false),
                FastLossFused = (x, y, g, _) => Loss.PoissonNegativeLogLikelihood(x, y, g, logInput: false),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { s += x[i] - y[i] * T.Log(x[i] + C(1e-8)); } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T r = x[i] + C(1e-8); s += x[i] - y[i] * T.Log(r); g[i] = (T.One - y[i] / r) * k; }
                    return s / C(x.Length);
                },
                TensorPrimitivesFused = (x, y, g, scratch) =>
                {
                    TensorPrimitives.Add(x, C(1e-8), g);
                    TensorPrimitives.Log<T>(g, scratch);
                    T s = TensorPrimitives.Sum<T>(x) - TensorPrimitives.Dot<T>(y, scratch);
                    TensorPrimitives.Divide<T>(y, g, g);
                    TensorPrimitives.Subtract(T.One, g, g);
                    TensorPrimitives.Multiply(g, C(1.0 / x.Length), g);
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "MSLE", Sample = r => (10 * r.NextDouble(), 10 * r.NextDouble()),
                FastLossValue = (x, y, _) => Loss.MeanSquaredLogarithmicError(x, y),
                FastLossFused = (x, y, g, _) => Loss.MeanSquaredLogarithmicError(x, y, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { T d = T.LogP1(x[i]) - T.LogP1(y[i]); s += d * d; } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(2.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T d = T.LogP1(x[i]) - T.LogP1(y[i]); s += d * d; g[i] = d / (T.One + x[i]) * k; }
                    return s / C(x.Length);
                },
                TensorPrimitivesFused = (x, y, g, scratch) =>
                {
                    TensorPrimitives.LogP1<T>(x, g);
                    TensorPrimitives.LogP1<T>(y, scratch);
                    TensorPrimitives.Subtract<T>(g, scratch, g);
                    T s = TensorPrimitives.SumOfSquares<T>(g);
                    TensorPrimitives.Add(x, T.One, scratch);
                    TensorPrimitives.Divide<T>(g, scratch, g);
                    TensorPrimitives.Multiply(g, C(2.0 / x.Length), g);
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "SoftMargin", Sample = r => (r.NextDouble() * 8 - 4, r.Next(2) * 2 - 1),
                FastLossValue = (x, y, _) => Loss.SoftMargin(x, y),
                FastLossFused = (x, y, g, _) => Loss.SoftMargin(x, y, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { s += SoftPlus(-y[i] * x[i]); } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T m = -y[i] * x[i]; s += SoftPlus(m); g[i] = -y[i] / (T.One + T.Exp(-m)) * k; }
                    return s / C(x.Length);
                },
                TensorPrimitivesFused = (x, y, g, scratch) =>
                {
                    // m = −t·x; softplus(m) = log(1 + e^m); the gradient −t·e^m/(1 + e^m).
                    TensorPrimitives.Multiply<T>(x, y, g);
                    TensorPrimitives.Negate<T>(g, g);
                    TensorPrimitives.Exp<T>(g, g);
                    TensorPrimitives.Add(g, T.One, scratch);
                    TensorPrimitives.Divide<T>(g, scratch, g);
                    TensorPrimitives.Log<T>(scratch, scratch);
                    T s = TensorPrimitives.Sum<T>(scratch);
                    TensorPrimitives.Multiply<T>(g, y, g);
                    TensorPrimitives.Multiply(g, C(-1.0 / x.Length), g);
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "BCE", Sample = r => (0.01 + 0.98 * r.NextDouble(), r.Next(2)),
                FastLossValue = (x, y, _) => Loss.BinaryCrossEntropy(x, y),
                FastLossFused = (x, y, g, _) => Loss.BinaryCrossEntropy(x, y, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { s -= y[i] * T.Log(x[i]) + (T.One - y[i]) * T.Log(T.One - x[i]); } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T p = x[i]; s -= y[i] * T.Log(p) + (T.One - y[i]) * T.Log(T.One - p); g[i] = (p - y[i]) / (p * (T.One - p)) * k; }
                    return s / C(x.Length);
                },
                TensorPrimitivesFused = (x, y, g, scratch) =>
                {
                    // −Σ[t·log p + (1 − t)·log(1 − p)] = −Σ t·(log p − log(1 − p)) − Σ log(1 − p)
                    TensorPrimitives.Log<T>(x, g);
                    TensorPrimitives.Subtract(T.One, x, scratch);
                    TensorPrimitives.Log<T>(scratch, scratch);
                    TensorPrimitives.Subtract<T>(g, scratch, g);
                    T s = -TensorPrimitives.Dot<T>(y, g) - TensorPrimitives.Sum<T>(scratch);
                    TensorPrimitives.Subtract(T.One, x, scratch);
                    TensorPrimitives.Multiply<T>(scratch, x, scratch);
                    TensorPrimitives.Subtract(x, y, g);
                    TensorPrimitives.Divide<T>(g, scratch, g);
                    TensorPrimitives.Multiply(g, C(1.0 / x.Length), g);
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "BCEWithLogits", Sample = logits,
                FastLossValue = (x, y, _) => Loss.BinaryCrossEntropyWithLogits(x, y),
                FastLossFused = (x, y, g, _) => Loss.BinaryCrossEntropyWithLogits(x, y, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { T v = x[i]; s += T.Max(v, T.Zero) - v * y[i] + T.Log(T.One + T.Exp(-T.Abs(v))); } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++)
                    {
                        T v = x[i], e = T.Exp(-T.Abs(v));
                        s += T.Max(v, T.Zero) - v * y[i] + T.Log(T.One + e);
                        T sigmoid = v >= T.Zero ? T.One / (T.One + e) : e / (T.One + e);
                        g[i] = (sigmoid - y[i]) * k;
                    }
                    return s / C(x.Length);
                },
                TensorPrimitivesFused = (x, y, g, scratch) =>
                {
                    // max(x, 0) − x·t + log1p(e^−|x|); gradient (σ(x) − t)/n
                    TensorPrimitives.Abs<T>(x, scratch);
                    TensorPrimitives.Negate<T>(scratch, scratch);
                    TensorPrimitives.Exp<T>(scratch, scratch);
                    TensorPrimitives.LogP1<T>(scratch, scratch);
                    T s = TensorPrimitives.Sum<T>(scratch) - TensorPrimitives.Dot(x, y);
                    TensorPrimitives.Max(x, T.Zero, scratch);
                    s += TensorPrimitives.Sum<T>(scratch);
                    TensorPrimitives.Sigmoid<T>(x, g);
                    TensorPrimitives.Subtract(g, y, g);
                    TensorPrimitives.Multiply(g, C(1.0 / x.Length), g);
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "Hinge", Sample = r => (r.NextDouble() * 4 - 2, r.Next(2) * 2 - 1),
                FastLossValue = (x, y, _) => Loss.Hinge(x, y),
                FastLossFused = (x, y, g, _) => Loss.Hinge(x, y, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { s += T.Max(T.Zero, T.One - y[i] * x[i]); } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T m = T.One - y[i] * x[i]; s += T.Max(T.Zero, m); g[i] = m > T.Zero ? -y[i] * k : T.Zero; }
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "SquaredHinge", Sample = r => (r.NextDouble() * 4 - 2, r.Next(2) * 2 - 1),
                FastLossValue = (x, y, _) => Loss.SquaredHinge(x, y),
                FastLossFused = (x, y, g, _) => Loss.SquaredHinge(x, y, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { T m = T.Max(T.Zero, T.One - y[i] * x[i]); s += m * m; } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(2.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T m = T.Max(T.Zero, T.One - y[i] * x[i]); s += m * m; g[i] = -y[i] * m * k; }
                    return s / C(x.Length);
                },
            },
            new()
            {
                Name = "Focal", Sample = logits,
                FastLossValue = (x, y, _) => Loss.SigmoidFocal(x, y),
                FastLossFused = (x, y, g, _) => Loss.SigmoidFocal(x, y, g),
                ScalarValue = (x, y, _) => Focal(x, y, default, false),
                ScalarFused = (x, y, g, _) => Focal(x, y, g, true),
            },
            new()
            {
                Name = "KL", Sample = r => (-r.NextDouble() * 5, r.NextDouble()),
                FastLossValue = (x, y, _) => Loss.KullbackLeiblerDivergence(x, y, 1),
                FastLossFused = (x, y, g, _) => Loss.KullbackLeiblerDivergence(x, y, 1, g),
                ScalarValue = (x, y, _) => { T s = T.Zero; for (int i = 0; i < x.Length; i++) { T t = y[i]; s += t > T.Zero ? t * (T.Log(t) - x[i]) : T.Zero; } return s / C(x.Length); },
                ScalarFused = (x, y, g, _) =>
                {
                    T s = T.Zero, k = C(1.0 / x.Length);
                    for (int i = 0; i < x.Length; i++) { T t = y[i]; s += t > T.Zero ? t * (T.Log(t) - x[i]) : T.Zero; g[i] = -t * k; }
                    return s / C(x.Length);
                },
                TensorPrimitivesFused = (x, y, g, scratch) =>
                {
                    TensorPrimitives.Log<T>(y, scratch);
                    TensorPrimitives.Subtract<T>(scratch, x, scratch);
                    T s = TensorPrimitives.Dot<T>(y, scratch);
                    TensorPrimitives.Multiply(y, C(-1.0 / x.Length), g);
                    return s / C(x.Length);
                },
            },
        ];
        Dictionary<string, ElementwiseLoss<T>> byName = [];
        foreach (ElementwiseLoss<T> loss in losses)
        {
            byName.Add(loss.Name, loss);
        }
        return byName;
    }

    private static T Focal(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, bool gradient)
    {
        T s = T.Zero, k = C(1.0 / x.Length), alpha = C(0.25), two = C(2);
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i], t = y[i];
            T p = T.One / (T.One + T.Exp(-v));
            T ce = T.Max(v, T.Zero) - v * t + T.Log(T.One + T.Exp(-T.Abs(v)));
            T m = p * (T.One - t) + (T.One - p) * t;
            T at = alpha * t + (T.One - alpha) * (T.One - t);
            s += at * ce * m * m;
            if (gradient)
            {
                g[i] = at * ((p - t) * m * m + two * ce * m * p * (T.One - p) * (T.One - two * t)) * k;
            }
        }
        return s / C(x.Length);
    }
}
