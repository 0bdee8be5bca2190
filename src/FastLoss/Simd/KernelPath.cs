using System;
using System.Runtime.Intrinsics;

namespace FastLoss;

/// <summary>The instruction-set paths FastLoss's kernels can take, narrowest first.</summary>
/// <remarks>
/// Every path computes bit-identical results: the library fixes the order of every summation and
/// uses only correctly rounded lane operations, so a path changes only the speed.
/// </remarks>
public enum KernelPath
{
    /// <summary>No SIMD: one lane at a time in general-purpose registers.</summary>
    Scalar = 0,
    /// <summary>128-bit vectors (SSE on x64, AdvSimd on Arm64).</summary>
    Vector128 = 1,
    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256 = 2,
    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512 = 3,
}

/// <summary>Which <see cref="KernelPath"/> the kernels take, and which the CPU supports.</summary>
public static class KernelPaths
{
    /// <summary>Environment variable that caps the path chosen at start-up (for example <c>Vector256</c>).</summary>
    public const string EnvironmentVariable = "FASTLOSS_KERNEL_PATH";

    private static readonly KernelPath s_supported =
        Vector512.IsHardwareAccelerated ? KernelPath.Vector512
        : Vector256.IsHardwareAccelerated ? KernelPath.Vector256
        : Vector128.IsHardwareAccelerated ? KernelPath.Vector128
        : KernelPath.Scalar;

    // Initialised after s_supported (field initialisers run in textual order).
    private static volatile KernelPath s_active = Initial();

    /// <summary>The widest path this CPU and the runtime's settings (<c>DOTNET_EnableAVX512</c> …) support.</summary>
    public static KernelPath Supported => s_supported;

    /// <summary>
    /// The path every kernel takes: <see cref="Supported"/> unless capped by the
    /// <see cref="EnvironmentVariable"/> at start-up or set here. Setting it affects every thread; it is
    /// meant for benchmarks and tests that compare paths in one process. Results do not depend on it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a path, or is wider than <see cref="Supported"/>.</exception>
    public static KernelPath Active
    {
        get => s_active;
        set
        {
            if (value < KernelPath.Scalar || value > Supported)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"This CPU supports kernel paths up to {Supported}.");
            }
            s_active = value;
        }
    }

    private static KernelPath Initial()
    {
        KernelPath supported = s_supported;
        string? cap = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(cap) && Enum.TryParse(cap.Trim(), ignoreCase: true, out KernelPath requested)
            && Enum.IsDefined(requested) && requested < supported)
        {
            return requested;
        }
        return supported;
    }
}
