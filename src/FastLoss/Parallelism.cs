using System;
using System.Globalization;

namespace FastLoss;

/// <summary>How many threads one large FastLoss call may use.</summary>
/// <remarks>
/// <para>A call over enough data (about a million elements for the cheap element-wise losses, 64K for those with
/// an exponential, 128K for cross-entropy) cuts its input into fixed segments (64K elements; for cross-entropy a
/// fixed number of rows) that any of its threads may take, and adds the segments' partial sums in segment order.
/// The segments depend on the input's shape only, so the result is bit-identical for any number of threads, one
/// included, and on every path. Smaller calls never leave the calling thread.</para>
/// <para>The threads are FastLoss's own (created on the first large call, then waiting, never the .NET thread
/// pool), and one call at a time uses them: a call made while another holds them, for example from code that
/// is itself running in parallel, runs on its calling thread alone, so FastLoss never oversubscribes the cores.
/// A trainer that runs its own parallel loop around FastLoss calls can also set <see cref="MaxThreads"/> to 1.</para>
/// </remarks>
public static class Parallelism
{
    /// <summary>Environment variable read at start-up for <see cref="MaxThreads"/> (a positive integer).</summary>
    public const string EnvironmentVariable = "FASTLOSS_THREADS";

    private static volatile int s_maxThreads = Initial();

    /// <summary>
    /// The most threads one call uses, the calling thread included: <see cref="EnvironmentVariable"/> if it is set
    /// to a positive integer, else <see cref="Environment.ProcessorCount"/>. 1 keeps every call on its calling thread.
    /// Results do not depend on it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            s_maxThreads = value;
        }
    }

    private static int Initial()
    {
        string? text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int threads) && threads >= 1
            ? threads
            : Environment.ProcessorCount;
    }
}
