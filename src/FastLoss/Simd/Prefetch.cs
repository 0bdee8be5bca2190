using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FastLoss.Simd;

/// <summary>Cache hints: no effect on any result, only on when data arrives.</summary>
internal static class Prefetch
{
    /// <summary>
    /// Asks for the cache line at <paramref name="location"/> to be brought into all cache levels. A prefetch
    /// never faults, so the location may lie past the end of the data (it is not read); it is a no-op
    /// without SSE.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Read<T>(ref T location)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref location));
        }
    }
}
