using System;
using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace FastLoss.Kernels;

/// <summary>
/// Runs the segments of one large call on up to <see cref="Parallelism.MaxThreads"/> threads (the caller and
/// FastLoss's own workers) and returns their partial sums in segment order. Nothing is allocated per call: the
/// job lives on the caller's stack, the workers are created once and wait on a semaphore between calls.
/// </summary>
internal static unsafe class Segments
{
    /// <summary>How many segments a round holds: the caller adds a round's partials, in order, before the next.</summary>
    internal const int Round = 64;

    /// <summary>The most partial sums a segment may return (the terms of an objective).</summary>
    internal const int MaxWidth = 8;

    private static readonly SemaphoreSlim s_start = new(0);
    private static readonly object s_create = new();
    private static int s_busy;
    private static int s_workers;
    private static Job* s_job;
    private static int s_finished;
    private static ExceptionDispatchInfo? s_failure;

    private struct Job
    {
        public delegate*<void*, int, double*, void> Run;
        public void* Context;
        public double* Partials;
        public int Width;
        public int First;
        public int Count;
        public int Next;
    }

    /// <summary>A segment function of one partial sum, and its context, for <see cref="Single"/>.</summary>
    private struct SingleJob
    {
        public delegate*<void*, int, double> Run;
        public void* Context;
    }

    private static void Single(void* context, int index, double* partials)
    {
        SingleJob* job = (SingleJob*)context;
        *partials = job->Run(job->Context, index);
    }

    /// <summary>
    /// The sum, in segment order, of <paramref name="run"/>(context, s) for s in [0, count): on several threads
    /// where they are allowed and free, else on this one. The order, and so the bits, are the same either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum(delegate*<void*, int, double> run, void* context, int count, bool parallel)
    {
        SingleJob job = new() { Run = run, Context = context };
        double total;
        Sum(&Single, &job, count, parallel, new Span<double>(&total, 1));
        return total;
    }

    /// <summary>
    /// As the single sum above for segments that each write
    /// <c>totals.Length</c> (at most <see cref="MaxWidth"/>) partial sums: <paramref name="totals"/>[k] receives the
    /// sum of the partials k, in segment order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sum(delegate*<void*, int, double*, void> run, void* context, int count, bool parallel, Span<double> totals)
    {
        int width = totals.Length;
        double* partials = stackalloc double[Round * MaxWidth];
        totals.Clear();
        int threads = parallel ? Math.Min(Parallelism.MaxThreads, count) : 1;
        bool owned = threads > 1 && Interlocked.CompareExchange(ref s_busy, 1, 0) == 0;
        try
        {
            for (int first = 0; first < count; first += Round)
            {
                int n = Math.Min(Round, count - first);
                if (owned && n > 1)
                {
                    RunParallel(run, context, partials, width, first, n, Math.Min(threads, n));
                }
                else
                {
                    for (int i = 0; i < n; i++)
                    {
                        run(context, first + i, partials + i * width);
                    }
                }
                for (int i = 0; i < n; i++)
                {
                    for (int k = 0; k < width; k++)
                    {
                        totals[k] += partials[i * width + k];
                    }
                }
            }
        }
        finally
        {
            if (owned)
            {
                Volatile.Write(ref s_busy, 0);
            }
        }
    }

    private static void RunParallel(delegate*<void*, int, double*, void> run, void* context, double* partials, int width, int first, int count, int threads)
    {
        Job job = new() { Run = run, Context = context, Partials = partials, Width = width, First = first, Count = count };
        int helpers = threads - 1;
        EnsureWorkers(helpers);
        s_failure = null;
        Volatile.Write(ref s_finished, 0);
        s_job = &job;
        s_start.Release(helpers);
        try
        {
            Work(&job);
        }
        catch
        {
            Volatile.Write(ref job.Next, int.MaxValue / 2);
            throw;
        }
        finally
        {
            // The job lives on this stack: wait until every released worker is done with it.
            SpinWait spin = default;
            while (Volatile.Read(ref s_finished) < helpers)
            {
                spin.SpinOnce();
            }
            s_job = null;
        }
        s_failure?.Throw();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Work(Job* job)
    {
        int i;
        while ((i = Interlocked.Increment(ref job->Next) - 1) < job->Count)
        {
            job->Run(job->Context, job->First + i, job->Partials + i * job->Width);
        }
    }

    private static void EnsureWorkers(int helpers)
    {
        if (Volatile.Read(ref s_workers) >= helpers)
        {
            return;
        }
        lock (s_create)
        {
            while (s_workers < helpers)
            {
                Thread thread = new(WorkerLoop) { IsBackground = true, Name = $"FastLoss worker {s_workers + 1}" };
                thread.Start();
                s_workers++;
            }
        }
    }

    /// <summary>How long a worker keeps looking for the next call before it sleeps: a training loop's next step
    /// then finds it awake (waking a sleeping thread costs tens of microseconds, more on a busy machine).</summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 5000;

    private static void WorkerLoop()
    {
        while (true)
        {
            // Each permit is one participant in one job (the caller waits for as many as it released).
            long until = Stopwatch.GetTimestamp() + s_spinTicks;
            SpinWait spin = default;
            while (!s_start.Wait(0))
            {
                if (Stopwatch.GetTimestamp() > until)
                {
                    s_start.Wait();
                    break;
                }
                spin.SpinOnce(sleep1Threshold: -1);
            }
            try
            {
                Work(s_job);
            }
            catch (Exception e)
            {
                // The caller rethrows it (a label changed under a running call, say); the first one wins.
                Interlocked.CompareExchange(ref s_failure, ExceptionDispatchInfo.Capture(e), null);
                // Let the other threads stop taking segments.
                Volatile.Write(ref s_job->Next, int.MaxValue / 2);
            }
            finally
            {
                Interlocked.Increment(ref s_finished);
            }
        }
    }
}
