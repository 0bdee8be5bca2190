namespace FastLoss;

/// <summary>
/// Training objectives: each loss returns the reduced value and, in its fused overload, writes the
/// gradient with respect to its input in the same pass over the data.
/// </summary>
/// <remarks>
/// Every method is generic over <see cref="float"/> and <see cref="double"/>, allocates nothing on the
/// managed heap, checks all of its arguments before writing anything, and gives bit-identical results on
/// every CPU (AVX-512, AVX2, SSE or no SIMD; see <see cref="KernelPaths"/>) and wherever the data sits in memory.
/// </remarks>
public static partial class Loss
{
}
