using System;
using System.Runtime.InteropServices;

namespace FastLoss.Tests;

/// <summary>
/// Memory with an inaccessible page right after it (or right before it): a span placed to end (or start) at
/// the boundary makes any read or write past its end (or before its start) crash the test run.
/// </summary>
public sealed unsafe class GuardedBuffer : IDisposable
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 0x02, MapAnonymous = 0x20;

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr mmap(IntPtr address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(IntPtr address, nuint length, int protection);

    [DllImport("libc", SetLastError = true)]
    private static extern int munmap(IntPtr address, nuint length);

    private readonly IntPtr _base;
    private readonly nuint _length;
    private readonly byte* _usable;
    private readonly int _usableBytes;

    public static bool Supported => OperatingSystem.IsLinux();

    /// <param name="bytes">Usable bytes.</param>
    /// <param name="guardBefore">Guard the page before the usable memory instead of the one after it.</param>
    public GuardedBuffer(int bytes, bool guardBefore = false)
    {
        int page = Environment.SystemPageSize;
        int dataPages = (bytes + page - 1) / page;
        _length = (nuint)((dataPages + 1) * page);
        _base = mmap(IntPtr.Zero, _length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (_base == new IntPtr(-1))
        {
            throw new InvalidOperationException($"mmap failed: {Marshal.GetLastPInvokeError()}");
        }
        byte* start = (byte*)_base;
        byte* guard = guardBefore ? start : start + dataPages * page;
        if (mprotect((IntPtr)guard, (nuint)page, ProtNone) != 0)
        {
            throw new InvalidOperationException($"mprotect failed: {Marshal.GetLastPInvokeError()}");
        }
        _usable = guardBefore ? start + page : guard - bytes;
        _usableBytes = bytes;
    }

    /// <summary>The usable memory as <paramref name="count"/> elements: ending at the guard page, or starting right after it.</summary>
    public Span<T> Span<T>(int count) where T : unmanaged
    {
        int bytes = count * sizeof(T);
        if (bytes > _usableBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }
        bool guardBefore = _usable == (byte*)_base + Environment.SystemPageSize;
        byte* start = guardBefore ? _usable : _usable + (_usableBytes - bytes);
        return new Span<T>(start, count);
    }

    public void Dispose() => munmap(_base, _length);
}
