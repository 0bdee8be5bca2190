using System.Runtime.CompilerServices;

namespace FastLoss.Kernels;

/// <summary>
/// A sum of doubles carried as a running sum and the exact sum of its rounding errors' approximation (Neumaier's
/// compensated summation, "Sum2" of Ogita, Rump and Oishi): as accurate as a sum taken in twice the precision and
/// then rounded once. The weights that a <c>Mean</c> divides by are taken this way, in the one call over a batch
/// and in each of its shards, so that the shards' merged weight is the one call's (both are the exact sum, rounded
/// once, unless it lies within about n·2^−106 of half-way between two doubles) and the gradients the shards write
/// with it are the one call's bit for bit.
/// </summary>
internal struct CompensatedSum
{
    /// <summary>The running sum.</summary>
    public double High;

    /// <summary>The sum of the rounding errors of <see cref="High"/>'s additions.</summary>
    public double Low;

    /// <summary>The sum, rounded once.</summary>
    public readonly double Total => High + Low;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double x)
    {
        double s = High + x;
        double bp = s - High;
        Low += (High - (s - bp)) + (x - bp);
        High = s;
    }

    /// <summary>This sum and <paramref name="other"/>: their running sums added without error, their errors added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly CompensatedSum Plus(CompensatedSum other)
    {
        CompensatedSum sum = this;
        sum.Add(other.High);
        sum.Low += other.Low;
        return sum;
    }
}
