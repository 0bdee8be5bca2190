namespace FastLoss;

/// <summary>
/// Training objectives: each loss returns the reduced value and, in its fused overload, writes the
/// gradient with respect to its input in the same pass over the data.
/// </summary>
/// <remarks>
/// Every method is generic over <see cref="float"/> and <see cref="double"/>, allocates nothing on the
/// managed heap, checks all of its arguments before writing anything, and gives bit-identical results on
/// every CPU (AVX-512, AVX2, SSE or no SIMD; see <see cref="KernelPaths"/>) and wherever the data sits in memory.
/// <para>Each loss lives in a file of its own in <c>Losses/</c>: its public overloads (and their <see cref="Shard"/> and
/// <see cref="ObjectiveTerm"/> forms), one <c>…Form</c> method for its value, fused and per-element forms and its shards
/// (the checks once, then its driver), and its formula as an operator.</para>
/// </remarks>
public static partial class Loss
{
}
