using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastLoss.Kernels;

/// <summary>
/// Blocks of 16 float rows of at most 16 classes between row-major memory and class-major vectors with
/// AVX-512 shuffles: the 16×16 transpose in four stages of 16 shuffles (unpack, in-lane shuffle, two
/// 128-bit lane shuffles) instead of one scalar move per element. Only data moves: the results are the
/// same bits as the scalar transpose.
/// </summary>
internal static class Transpose16
{
    /// <summary>Whether the AVX-512 transpose can be used.</summary>
    public static bool IsSupported
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx512F.IsSupported;
    }

    /// <summary>Transposes the 16×16 block in place: lane j of vector i goes to lane i of vector j.</summary>
    /// <remarks>Sixteen ref parameters rather than an array, so that after inlining every vector stays in a register.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void InPlace(ref Vector512<float> r0, ref Vector512<float> r1, ref Vector512<float> r2, ref Vector512<float> r3, ref Vector512<float> r4, ref Vector512<float> r5, ref Vector512<float> r6, ref Vector512<float> r7, ref Vector512<float> r8, ref Vector512<float> r9, ref Vector512<float> r10, ref Vector512<float> r11, ref Vector512<float> r12, ref Vector512<float> r13, ref Vector512<float> r14, ref Vector512<float> r15)
    {
        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1);
        Vector512<float> t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5);
        Vector512<float> t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9);
        Vector512<float> t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11);
        Vector512<float> t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13);
        Vector512<float> t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);
        Vector512<float> u0 = Avx512F.Shuffle(t0, t2, 0x44), u1 = Avx512F.Shuffle(t0, t2, 0xEE);
        Vector512<float> u2 = Avx512F.Shuffle(t1, t3, 0x44), u3 = Avx512F.Shuffle(t1, t3, 0xEE);
        Vector512<float> u4 = Avx512F.Shuffle(t4, t6, 0x44), u5 = Avx512F.Shuffle(t4, t6, 0xEE);
        Vector512<float> u6 = Avx512F.Shuffle(t5, t7, 0x44), u7 = Avx512F.Shuffle(t5, t7, 0xEE);
        Vector512<float> u8 = Avx512F.Shuffle(t8, t10, 0x44), u9 = Avx512F.Shuffle(t8, t10, 0xEE);
        Vector512<float> u10 = Avx512F.Shuffle(t9, t11, 0x44), u11 = Avx512F.Shuffle(t9, t11, 0xEE);
        Vector512<float> u12 = Avx512F.Shuffle(t12, t14, 0x44), u13 = Avx512F.Shuffle(t12, t14, 0xEE);
        Vector512<float> u14 = Avx512F.Shuffle(t13, t15, 0x44), u15 = Avx512F.Shuffle(t13, t15, 0xEE);
        t0 = Avx512F.Shuffle4x128(u0, u4, 0x88);
        t1 = Avx512F.Shuffle4x128(u1, u5, 0x88);
        t2 = Avx512F.Shuffle4x128(u2, u6, 0x88);
        t3 = Avx512F.Shuffle4x128(u3, u7, 0x88);
        t4 = Avx512F.Shuffle4x128(u0, u4, 0xDD);
        t5 = Avx512F.Shuffle4x128(u1, u5, 0xDD);
        t6 = Avx512F.Shuffle4x128(u2, u6, 0xDD);
        t7 = Avx512F.Shuffle4x128(u3, u7, 0xDD);
        t8 = Avx512F.Shuffle4x128(u8, u12, 0x88);
        t9 = Avx512F.Shuffle4x128(u9, u13, 0x88);
        t10 = Avx512F.Shuffle4x128(u10, u14, 0x88);
        t11 = Avx512F.Shuffle4x128(u11, u15, 0x88);
        t12 = Avx512F.Shuffle4x128(u8, u12, 0xDD);
        t13 = Avx512F.Shuffle4x128(u9, u13, 0xDD);
        t14 = Avx512F.Shuffle4x128(u10, u14, 0xDD);
        t15 = Avx512F.Shuffle4x128(u11, u15, 0xDD);
        r0 = Avx512F.Shuffle4x128(t0, t8, 0x88);
        r1 = Avx512F.Shuffle4x128(t1, t9, 0x88);
        r2 = Avx512F.Shuffle4x128(t2, t10, 0x88);
        r3 = Avx512F.Shuffle4x128(t3, t11, 0x88);
        r4 = Avx512F.Shuffle4x128(t4, t12, 0x88);
        r5 = Avx512F.Shuffle4x128(t5, t13, 0x88);
        r6 = Avx512F.Shuffle4x128(t6, t14, 0x88);
        r7 = Avx512F.Shuffle4x128(t7, t15, 0x88);
        r8 = Avx512F.Shuffle4x128(t0, t8, 0xDD);
        r9 = Avx512F.Shuffle4x128(t1, t9, 0xDD);
        r10 = Avx512F.Shuffle4x128(t2, t10, 0xDD);
        r11 = Avx512F.Shuffle4x128(t3, t11, 0xDD);
        r12 = Avx512F.Shuffle4x128(t4, t12, 0xDD);
        r13 = Avx512F.Shuffle4x128(t5, t13, 0xDD);
        r14 = Avx512F.Shuffle4x128(t6, t14, 0xDD);
        r15 = Avx512F.Shuffle4x128(t7, t15, 0xDD);
    }

    /// <summary>
    /// columns[c·16 + i] = rows[i·classes + c] for 16 rows of <paramref name="classes"/> ≤ 16. Each row is read
    /// as a whole vector; near the end of <paramref name="rows"/>, under a mask (masked lanes are not read).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ToColumns(ReadOnlySpan<float> rows, Span<float> columns, int classes)
    {
        if ((uint)classes > 16 || rows.Length < 16 * classes || columns.Length < 16 * classes)
        {
            throw new ArgumentException("transpose: the blocks do not match");
        }
        ref float from = ref MemoryMarshal.GetReference(rows);
        ref float to = ref MemoryMarshal.GetReference(columns);
        nuint n = (nuint)classes;
        if ((nuint)rows.Length < 15 * n + 16)
        {
            ToColumnsMasked(ref from, ref to, classes);
            return;
        }
        Vector512<float> r0 = Vector512.LoadUnsafe(ref from, 0 * n);
        Vector512<float> r1 = Vector512.LoadUnsafe(ref from, 1 * n);
        Vector512<float> r2 = Vector512.LoadUnsafe(ref from, 2 * n);
        Vector512<float> r3 = Vector512.LoadUnsafe(ref from, 3 * n);
        Vector512<float> r4 = Vector512.LoadUnsafe(ref from, 4 * n);
        Vector512<float> r5 = Vector512.LoadUnsafe(ref from, 5 * n);
        Vector512<float> r6 = Vector512.LoadUnsafe(ref from, 6 * n);
        Vector512<float> r7 = Vector512.LoadUnsafe(ref from, 7 * n);
        Vector512<float> r8 = Vector512.LoadUnsafe(ref from, 8 * n);
        Vector512<float> r9 = Vector512.LoadUnsafe(ref from, 9 * n);
        Vector512<float> r10 = Vector512.LoadUnsafe(ref from, 10 * n);
        Vector512<float> r11 = Vector512.LoadUnsafe(ref from, 11 * n);
        Vector512<float> r12 = Vector512.LoadUnsafe(ref from, 12 * n);
        Vector512<float> r13 = Vector512.LoadUnsafe(ref from, 13 * n);
        Vector512<float> r14 = Vector512.LoadUnsafe(ref from, 14 * n);
        Vector512<float> r15 = Vector512.LoadUnsafe(ref from, 15 * n);
        ColumnsOut(ref to, classes, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15);
    }

    /// <summary>rows[i·classes + c] = columns[c·16 + i] for 16 rows of <paramref name="classes"/> ≤ 16; writes nothing else.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static unsafe void ToRows(ReadOnlySpan<float> columns, Span<float> rows, int classes)
    {
        if ((uint)classes > 16 || rows.Length < 16 * classes || columns.Length < 16 * classes)
        {
            throw new ArgumentException("transpose: the blocks do not match");
        }
        ref float from = ref MemoryMarshal.GetReference(columns);
        ref float to = ref MemoryMarshal.GetReference(rows);
        Vector512<float> zero = Vector512<float>.Zero;
        Vector512<float> r0 = 0 < classes ? Vector512.LoadUnsafe(ref from, 0) : zero;
        Vector512<float> r1 = 1 < classes ? Vector512.LoadUnsafe(ref from, 16) : zero;
        Vector512<float> r2 = 2 < classes ? Vector512.LoadUnsafe(ref from, 32) : zero;
        Vector512<float> r3 = 3 < classes ? Vector512.LoadUnsafe(ref from, 48) : zero;
        Vector512<float> r4 = 4 < classes ? Vector512.LoadUnsafe(ref from, 64) : zero;
        Vector512<float> r5 = 5 < classes ? Vector512.LoadUnsafe(ref from, 80) : zero;
        Vector512<float> r6 = 6 < classes ? Vector512.LoadUnsafe(ref from, 96) : zero;
        Vector512<float> r7 = 7 < classes ? Vector512.LoadUnsafe(ref from, 112) : zero;
        Vector512<float> r8 = 8 < classes ? Vector512.LoadUnsafe(ref from, 128) : zero;
        Vector512<float> r9 = 9 < classes ? Vector512.LoadUnsafe(ref from, 144) : zero;
        Vector512<float> r10 = 10 < classes ? Vector512.LoadUnsafe(ref from, 160) : zero;
        Vector512<float> r11 = 11 < classes ? Vector512.LoadUnsafe(ref from, 176) : zero;
        Vector512<float> r12 = 12 < classes ? Vector512.LoadUnsafe(ref from, 192) : zero;
        Vector512<float> r13 = 13 < classes ? Vector512.LoadUnsafe(ref from, 208) : zero;
        Vector512<float> r14 = 14 < classes ? Vector512.LoadUnsafe(ref from, 224) : zero;
        Vector512<float> r15 = 15 < classes ? Vector512.LoadUnsafe(ref from, 240) : zero;
        InPlace(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, ref r8, ref r9, ref r10, ref r11, ref r12, ref r13, ref r14, ref r15);
        // Whole-vector stores in increasing row order: the lanes past a row's end land on the next rows,
        // which are stored afterwards. Rows whose vector would pass the block's end are stored under a mask.
        nuint n = (nuint)classes;
        nuint full = (16 * n - 16) / n + 1;
        Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(classes)).AsSingle();
        fixed (float* p = &to)
        {
            Store(r0, p + 0 * n, 0 < full, mask);
            Store(r1, p + 1 * n, 1 < full, mask);
            Store(r2, p + 2 * n, 2 < full, mask);
            Store(r3, p + 3 * n, 3 < full, mask);
            Store(r4, p + 4 * n, 4 < full, mask);
            Store(r5, p + 5 * n, 5 < full, mask);
            Store(r6, p + 6 * n, 6 < full, mask);
            Store(r7, p + 7 * n, 7 < full, mask);
            Store(r8, p + 8 * n, 8 < full, mask);
            Store(r9, p + 9 * n, 9 < full, mask);
            Store(r10, p + 10 * n, 10 < full, mask);
            Store(r11, p + 11 * n, 11 < full, mask);
            Store(r12, p + 12 * n, 12 < full, mask);
            Store(r13, p + 13 * n, 13 < full, mask);
            Store(r14, p + 14 * n, 14 < full, mask);
            Store(r15, p + 15 * n, 15 < full, mask);
        }
    }

    /// <summary>Transposes 16 loaded rows and stores the first <paramref name="classes"/> columns (16 floats apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnsOut(ref float to, int classes, Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3, Vector512<float> r4, Vector512<float> r5, Vector512<float> r6, Vector512<float> r7, Vector512<float> r8, Vector512<float> r9, Vector512<float> r10, Vector512<float> r11, Vector512<float> r12, Vector512<float> r13, Vector512<float> r14, Vector512<float> r15)
    {
        InPlace(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, ref r8, ref r9, ref r10, ref r11, ref r12, ref r13, ref r14, ref r15);
        if (0 < classes) { r0.StoreUnsafe(ref to, 0); }
        if (1 < classes) { r1.StoreUnsafe(ref to, 16); }
        if (2 < classes) { r2.StoreUnsafe(ref to, 32); }
        if (3 < classes) { r3.StoreUnsafe(ref to, 48); }
        if (4 < classes) { r4.StoreUnsafe(ref to, 64); }
        if (5 < classes) { r5.StoreUnsafe(ref to, 80); }
        if (6 < classes) { r6.StoreUnsafe(ref to, 96); }
        if (7 < classes) { r7.StoreUnsafe(ref to, 112); }
        if (8 < classes) { r8.StoreUnsafe(ref to, 128); }
        if (9 < classes) { r9.StoreUnsafe(ref to, 144); }
        if (10 < classes) { r10.StoreUnsafe(ref to, 160); }
        if (11 < classes) { r11.StoreUnsafe(ref to, 176); }
        if (12 < classes) { r12.StoreUnsafe(ref to, 192); }
        if (13 < classes) { r13.StoreUnsafe(ref to, 208); }
        if (14 < classes) { r14.StoreUnsafe(ref to, 224); }
        if (15 < classes) { r15.StoreUnsafe(ref to, 240); }
    }

    /// <summary><see cref="ToColumns"/> for a block at the end of the data: every row read under a mask.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ToColumnsMasked(ref float from, ref float to, int classes)
    {
        Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(classes)).AsSingle();
        Vector512<float> zero = Vector512<float>.Zero;
        nuint n = (nuint)classes;
        fixed (float* p = &from)
        {
            Vector512<float> r0 = Avx512F.MaskLoad(p + 0 * n, mask, zero);
            Vector512<float> r1 = Avx512F.MaskLoad(p + 1 * n, mask, zero);
            Vector512<float> r2 = Avx512F.MaskLoad(p + 2 * n, mask, zero);
            Vector512<float> r3 = Avx512F.MaskLoad(p + 3 * n, mask, zero);
            Vector512<float> r4 = Avx512F.MaskLoad(p + 4 * n, mask, zero);
            Vector512<float> r5 = Avx512F.MaskLoad(p + 5 * n, mask, zero);
            Vector512<float> r6 = Avx512F.MaskLoad(p + 6 * n, mask, zero);
            Vector512<float> r7 = Avx512F.MaskLoad(p + 7 * n, mask, zero);
            Vector512<float> r8 = Avx512F.MaskLoad(p + 8 * n, mask, zero);
            Vector512<float> r9 = Avx512F.MaskLoad(p + 9 * n, mask, zero);
            Vector512<float> r10 = Avx512F.MaskLoad(p + 10 * n, mask, zero);
            Vector512<float> r11 = Avx512F.MaskLoad(p + 11 * n, mask, zero);
            Vector512<float> r12 = Avx512F.MaskLoad(p + 12 * n, mask, zero);
            Vector512<float> r13 = Avx512F.MaskLoad(p + 13 * n, mask, zero);
            Vector512<float> r14 = Avx512F.MaskLoad(p + 14 * n, mask, zero);
            Vector512<float> r15 = Avx512F.MaskLoad(p + 15 * n, mask, zero);
            ColumnsOut(ref to, classes, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(Vector512<float> row, float* destination, bool whole, Vector512<float> mask)
    {
        if (whole)
        {
            Avx512F.Store(destination, row);
        }
        else
        {
            Avx512F.MaskStore(destination, mask, row);
        }
    }
}
