using System;
using System.Collections.Generic;
using System.Numerics;

namespace FastLoss.Tests;

/// <summary>
/// Scalar references written from the formulas in double, independent of the kernels (they never call the
/// library), and the catalogue of element-wise losses the generic tests run.
/// </summary>
public abstract class PointwiseLoss
{
    public abstract string Name { get; }

    /// <summary>Per-element loss and its derivative with respect to x, in double.</summary>
    public abstract (double Value, double Gradient) Reference(double x, double y);

    /// <summary>Inputs from the loss's domain (targets ±1 for hinge, probabilities for BCE …).</summary>
    public virtual void Fill(Random rng, Span<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextDouble() * 8 - 4;
            y[i] = rng.NextDouble() * 8 - 4;
        }
    }

    public abstract T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction reduction) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
    public abstract T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> gradient, Reduction reduction) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
    public abstract void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>The partial of a shard (<see cref="FastLoss.Shard"/>): value only, and fused with the batch's weight <c>w</c>.</summary>
    public abstract LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
    public abstract LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double batchWeight, Span<T> gradient) where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>The loss as a term of an <see cref="Objective{T}"/> with <paramref name="weight"/>, or null where it is not one.</summary>
    public virtual ObjectiveTerm<T>? Term<T>(T weight) where T : unmanaged, IBinaryFloatingPointIeee754<T> => null;

    /// <summary>Whether the per-element form is exact enough to check its derivative against finite differences everywhere.</summary>
    public virtual bool Smooth => true;

    /// <summary>Whether the derivative depends on x at all (KL's is −t: a NaN in x leaves it finite, as in PyTorch).</summary>
    public virtual bool GradientDependsOnInput => true;

    public override string ToString() => Name;

    public static readonly IReadOnlyList<PointwiseLoss> All =
    [
        new Mse(), new Mae(), new HuberLoss(), new SmoothL1Loss(), new SmoothL1Zero(), new LogCoshLoss(), new QuantileLoss(), new Poisson(),
        new Bce(), new BceLogits(), new BceLogitsPositiveWeight(), new HingeLoss(), new SquaredHingeLoss(), new Focal(), new FocalGeneral(), new FocalNoAlpha(), new Kl(), new KlLogTarget(),
    ];

    private static double Sign(double d) => d > 0 ? 1 : d < 0 ? -1 : 0;
    private static double Softplus(double z)
    {
        double e = Math.Exp(-Math.Abs(z));
        return Math.Max(z, 0) + (e < 1e-8 ? e - e * e / 2 : Math.Log(1 + e));
    }
    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private static T C<T>(double v) where T : IBinaryFloatingPointIeee754<T> => T.CreateTruncating(v);

    private sealed class Mse : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.MeanSquaredError(w);
        public override string Name => "MeanSquaredError";
        public override (double, double) Reference(double x, double y) => ((x - y) * (x - y), 2 * (x - y));
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.MeanSquaredError(x, y, r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.MeanSquaredError(x, y, g, r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.MeanSquaredError(x, y);
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.MeanSquaredError(x, y, w, g);
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.MeanSquaredErrorPerElement(x, y, d);
    }

    private sealed class Mae : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.MeanAbsoluteError(w);
        public override string Name => "MeanAbsoluteError";
        public override bool Smooth => false;
        public override (double, double) Reference(double x, double y) => (Math.Abs(x - y), Sign(x - y));
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.MeanAbsoluteError(x, y, r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.MeanAbsoluteError(x, y, g, r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.MeanAbsoluteError(x, y);
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.MeanAbsoluteError(x, y, w, g);
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.MeanAbsoluteErrorPerElement(x, y, d);
    }

    private sealed class HuberLoss : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.Huber(w, C<T>(Delta));
        private const double Delta = 1.5;
        public override string Name => "Huber";
        public override bool Smooth => false;
        public override (double, double) Reference(double x, double y)
        {
            double d = x - y, a = Math.Abs(d);
            return a < Delta ? (0.5 * d * d, d) : (Delta * (a - 0.5 * Delta), Delta * Sign(d));
        }
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.Huber(x, y, C<T>(Delta), r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.Huber(x, y, g, C<T>(Delta), r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.Huber(x, y, C<T>(Delta));
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.Huber(x, y, w, g, C<T>(Delta));
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.HuberPerElement(x, y, d, C<T>(Delta));
    }

    private sealed class SmoothL1Loss : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.SmoothL1(w, C<T>(Beta));
        private const double Beta = 0.7;
        public override string Name => "SmoothL1";
        public override bool Smooth => false;
        public override (double, double) Reference(double x, double y)
        {
            double d = x - y, a = Math.Abs(d);
            return a < Beta ? (0.5 * d * d / Beta, d / Beta) : (a - 0.5 * Beta, Sign(d));
        }
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.SmoothL1(x, y, C<T>(Beta), r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.SmoothL1(x, y, g, C<T>(Beta), r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.SmoothL1(x, y, C<T>(Beta));
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.SmoothL1(x, y, w, g, C<T>(Beta));
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.SmoothL1PerElement(x, y, d, C<T>(Beta));
    }

    private sealed class SmoothL1Zero : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.SmoothL1(w, T.Zero);
        public override string Name => "SmoothL1(beta=0)";
        public override bool Smooth => false;
        public override (double, double) Reference(double x, double y) => (Math.Abs(x - y), Sign(x - y));
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.SmoothL1(x, y, T.Zero, r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.SmoothL1(x, y, g, T.Zero, r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.SmoothL1(x, y, T.Zero);
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.SmoothL1(x, y, w, g, T.Zero);
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.SmoothL1PerElement(x, y, d, T.Zero);
    }

    private sealed class LogCoshLoss : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.LogCosh(w);
        public override string Name => "LogCosh";
        public override (double, double) Reference(double x, double y)
        {
            double d = x - y, a = Math.Abs(d);
            return (a + Math.Log(1 + Math.Exp(-2 * a)) - Math.Log(2), Math.Tanh(d));
        }
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.LogCosh(x, y, r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.LogCosh(x, y, g, r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.LogCosh(x, y);
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.LogCosh(x, y, w, g);
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.LogCoshPerElement(x, y, d);
    }

    private sealed class QuantileLoss : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.Quantile(w, C<T>(Tau));
        private const double Tau = 0.3;
        public override string Name => "Quantile";
        public override bool Smooth => false;
        public override (double, double) Reference(double x, double y)
        {
            double u = y - x;
            return (Math.Max(Tau * u, (Tau - 1) * u), u > 0 ? -Tau : u < 0 ? 1 - Tau : 0);
        }
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.Quantile(x, y, C<T>(Tau), r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.Quantile(x, y, g, C<T>(Tau), r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.Quantile(x, y, C<T>(Tau));
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.Quantile(x, y, w, g, C<T>(Tau));
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.QuantilePerElement(x, y, d, C<T>(Tau));
    }

    private sealed class Poisson : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.PoissonNegativeLogLikelihood(w);
        public override string Name => "PoissonNegativeLogLikelihood";
        public override (double, double) Reference(double x, double y) => (Math.Exp(x) - y * x, Math.Exp(x) - y);
        public override void Fill(Random rng, Span<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = rng.NextDouble() * 6 - 3;
                y[i] = rng.Next(8);
            }
        }
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.PoissonNegativeLogLikelihood(x, y, r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.PoissonNegativeLogLikelihood(x, y, g, r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.PoissonNegativeLogLikelihood(x, y);
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.PoissonNegativeLogLikelihood(x, y, w, g);
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.PoissonNegativeLogLikelihoodPerElement(x, y, d);
    }

    private sealed class Bce : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.BinaryCrossEntropy(w);
        public override string Name => "BinaryCrossEntropy";
        public override (double, double) Reference(double x, double y)
            => (-(y * Math.Max(Math.Log(x), -100) + (1 - y) * Math.Max(Math.Log(1 - x), -100)), (x - y) / Math.Max(x * (1 - x), 1e-12));
        public override void Fill(Random rng, Span<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = 0.02 + 0.96 * rng.NextDouble();
                y[i] = i % 3 == 0 ? rng.NextDouble() : rng.Next(2);
            }
        }
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.BinaryCrossEntropy(x, y, r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.BinaryCrossEntropy(x, y, g, r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.BinaryCrossEntropy(x, y);
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.BinaryCrossEntropy(x, y, w, g);
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.BinaryCrossEntropyPerElement(x, y, d);
    }

    private class BceLogits : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.BinaryCrossEntropyWithLogits(w, PositiveWeight == 1 ? null : C<T>(PositiveWeight));
        protected virtual double PositiveWeight => 1;
        public override string Name => "BinaryCrossEntropyWithLogits";
        public override (double, double) Reference(double x, double y)
        {
            double lw = 1 + (PositiveWeight - 1) * y;
            return ((1 - y) * x + lw * Softplus(-x), lw * Sigmoid(x) - PositiveWeight * y);
        }
        public override void Fill(Random rng, Span<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = rng.NextDouble() * 20 - 10;
                y[i] = i % 3 == 0 ? rng.NextDouble() : rng.Next(2);
            }
        }
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.BinaryCrossEntropyWithLogits(x, y, r, positiveWeight: PositiveWeight == 1 ? null : C<T>(PositiveWeight));
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.BinaryCrossEntropyWithLogits(x, y, g, r, positiveWeight: PositiveWeight == 1 ? null : C<T>(PositiveWeight));
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.BinaryCrossEntropyWithLogits(x, y, positiveWeight: PositiveWeight == 1 ? null : C<T>(PositiveWeight));
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.BinaryCrossEntropyWithLogits(x, y, w, g, positiveWeight: PositiveWeight == 1 ? null : C<T>(PositiveWeight));
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.BinaryCrossEntropyWithLogitsPerElement(x, y, d, positiveWeight: PositiveWeight == 1 ? null : C<T>(PositiveWeight));
    }

    private sealed class BceLogitsPositiveWeight : BceLogits
    {
        protected override double PositiveWeight => 2.5;
        public override string Name => "BinaryCrossEntropyWithLogits(pw=2.5)";
    }

    private class HingeLoss : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.Hinge(w);
        public override string Name => "Hinge";
        public override bool Smooth => false;
        public override (double, double) Reference(double x, double y) => 1 - y * x > 0 ? (1 - y * x, -y) : (0, 0);
        public override void Fill(Random rng, Span<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = rng.NextDouble() * 4 - 2;
                y[i] = rng.Next(2) == 0 ? -1 : 1;
            }
        }
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.Hinge(x, y, r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.Hinge(x, y, g, r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.Hinge(x, y);
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.Hinge(x, y, w, g);
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.HingePerElement(x, y, d);
    }

    private sealed class SquaredHingeLoss : HingeLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.SquaredHinge(w);
        public override string Name => "SquaredHinge";
        public override (double, double) Reference(double x, double y) => 1 - y * x > 0 ? ((1 - y * x) * (1 - y * x), -2 * y * (1 - y * x)) : (0, 0);
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.SquaredHinge(x, y, r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.SquaredHinge(x, y, g, r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.SquaredHinge(x, y);
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.SquaredHinge(x, y, w, g);
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.SquaredHingePerElement(x, y, d);
    }

    private class Focal : PointwiseLoss
    {
        public override ObjectiveTerm<T>? Term<T>(T w) => ObjectiveTerm.SigmoidFocal(w, Alpha, Gamma);
        protected virtual double Alpha => 0.25;
        protected virtual double Gamma => 2;
        public override string Name => "SigmoidFocal";
        public override (double, double) Reference(double x, double y)
        {
            double p = Sigmoid(x), q = Sigmoid(-x);
            double ce = (1 - y) * x + Softplus(-x);
            double m = p * (1 - y) + q * y;
            double at = Alpha >= 0 ? Alpha * y + (1 - Alpha) * (1 - y) : 1;
            double value = at * ce * Math.Pow(m, Gamma);
            double grad = at * ((p - y) * Math.Pow(m, Gamma) + (m > 0 ? Gamma * ce * Math.Pow(m, Gamma - 1) * p * q * (1 - 2 * y) : 0));
            return (value, grad);
        }
        public override void Fill(Random rng, Span<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = rng.NextDouble() * 12 - 6;
                y[i] = i % 4 == 0 ? rng.NextDouble() : rng.Next(2);
            }
        }
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.SigmoidFocal(x, y, r, Alpha, Gamma);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.SigmoidFocal(x, y, g, r, Alpha, Gamma);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.SigmoidFocal(x, y, Alpha, Gamma);
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.SigmoidFocal(x, y, w, g, Alpha, Gamma);
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.SigmoidFocalPerElement(x, y, d, Alpha, Gamma);
    }

    private sealed class FocalGeneral : Focal
    {
        protected override double Gamma => 1.5;
        public override string Name => "SigmoidFocal(gamma=1.5)";
    }

    private sealed class FocalNoAlpha : Focal
    {
        protected override double Alpha => -1;
        protected override double Gamma => 0.5;
        public override string Name => "SigmoidFocal(alpha off, gamma=0.5)";
        // (1 − p_t)^(γ − 1) is unbounded near p_t = 1 for γ &lt; 1: finite differences are not meaningful there.
        public override bool Smooth => false;
    }

    private class Kl : PointwiseLoss
    {
        public override string Name => "KullbackLeiblerDivergence";
        public override bool GradientDependsOnInput => false;
        public override (double, double) Reference(double x, double y) => (y == 0 ? 0 : y * (Math.Log(y) - x), -y);
        public override void Fill(Random rng, Span<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = -rng.NextDouble() * 6;
                y[i] = i % 5 == 0 ? 0 : rng.NextDouble();
            }
        }
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.KullbackLeiblerDivergence(x, y, 1, r);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.KullbackLeiblerDivergence(x, y, 1, g, r);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.KullbackLeiblerDivergence(x, y, 1);
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.KullbackLeiblerDivergence(x, y, 1, w, g);
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.KullbackLeiblerDivergencePerElement(x, y, d);
    }

    private sealed class KlLogTarget : Kl
    {
        public override string Name => "KullbackLeiblerDivergence(logTarget)";
        public override (double, double) Reference(double x, double y) => (Math.Exp(y) * (y - x), -Math.Exp(y));
        public override void Fill(Random rng, Span<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = -rng.NextDouble() * 6;
                y[i] = -rng.NextDouble() * 6;
            }
        }
        public override T Value<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Reduction r) => Loss.KullbackLeiblerDivergence(x, y, 1, r, logTarget: true);
        public override T Fused<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> g, Reduction r) => Loss.KullbackLeiblerDivergence(x, y, 1, g, r, logTarget: true);
        public override LossPartial PartialValue<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) => Shard.KullbackLeiblerDivergence(x, y, 1, logTarget: true);
        public override LossPartial Partial<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, double w, Span<T> g) => Shard.KullbackLeiblerDivergence(x, y, 1, w, g, logTarget: true);
        public override void PerElement<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Loss.KullbackLeiblerDivergencePerElement(x, y, d, logTarget: true);
    }
}
