using System;
using FastLoss.Kernels;
using Xunit;

namespace FastLoss.Tests;

/// <summary>The AVX-512 16-row block transposes of the narrow cross-entropy kernel against the plain index formula.</summary>
public class TransposeTests
{
    public static TheoryData<int> ClassCounts() => [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 15, 16];

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void RowsToColumnsAndBackMoveEveryElementAndNothingElse(int classes)
    {
        if (!Transpose16.IsSupported)
        {
            return; // the scalar transpose serves this machine; its results are covered by every cross-entropy test
        }
        foreach (int slack in new[] { 0, 1, 16 })
        {
            // The block at the very end of its data (slack 0) is read under a mask.
            float[] rows = new float[16 * classes + slack];
            for (int i = 0; i < rows.Length; i++)
            {
                rows[i] = i + 0.5f;
            }
            float[] columns = new float[16 * classes + 3];
            Array.Fill(columns, -7f);
            Transpose16.ToColumns(rows, columns, classes);
            for (int c = 0; c < classes; c++)
            {
                for (int i = 0; i < 16; i++)
                {
                    Assert.Equal(rows[i * classes + c], columns[c * 16 + i]);
                }
            }
            Assert.All(columns[(16 * classes)..], v => Assert.Equal(-7f, v));

            // Back into a block with sentinels on both sides: only the block changes.
            float[] output = new float[16 * classes + 40];
            Array.Fill(output, -9f);
            Transpose16.ToRows(columns, output.AsSpan(20, 16 * classes), classes);
            for (int i = 0; i < 16 * classes; i++)
            {
                Assert.Equal(rows[i], output[20 + i]);
            }
            Assert.All(output[..20], v => Assert.Equal(-9f, v));
            Assert.All(output[(20 + 16 * classes)..], v => Assert.Equal(-9f, v));
        }
    }
}
