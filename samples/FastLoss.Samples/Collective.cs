using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace FastLoss.Samples;

/// <summary>The processes of a data-parallel run: this one's rank among them, and a sum over all of them.</summary>
public interface ICollective : IDisposable
{
    int Rank { get; }
    int Size { get; }

    /// <summary>Replaces each element with its sum over every process (in place).</summary>
    void SumInPlace<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The rows [start, end) of <paramref name="rows"/> that this process takes: a fixed contiguous shard.</summary>
    (int Start, int End) Shard(int rows) => ((int)((long)rows * Rank / Size), (int)((long)rows * (Rank + 1) / Size));

    /// <summary>A loss partial merged over every process (its sum, weight and weight residual summed).</summary>
    LossPartial Merge(LossPartial partial)
    {
        Span<double> parts = [partial.Sum, partial.Weight, partial.WeightResidual];
        SumInPlace(parts);
        return new LossPartial(parts[0], parts[1], parts[2]);
    }
}

/// <summary>One process alone: every sum is the value itself.</summary>
public sealed class SingleProcess : ICollective
{
    public int Rank => 0;
    public int Size => 1;
    public void SumInPlace<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T> { }
    public void Dispose() { }
}

/// <summary>
/// The processes of <c>mpirun</c>, through Open MPI's C library (libmpi.so.40, Open MPI 4): MPI_Init,
/// MPI_Comm_rank, MPI_Comm_size, MPI_Allreduce (in place, MPI_SUM over MPI_FLOAT or MPI_DOUBLE) and
/// MPI_Finalize, bound directly. (The MPI.NET package 1.4.0 loads only Microsoft MPI, libmsmpi, on any OS.)
/// Open MPI's handles MPI_COMM_WORLD, MPI_FLOAT, MPI_DOUBLE and MPI_SUM are the addresses of its exported
/// objects ompi_mpi_comm_world, ompi_mpi_float, ompi_mpi_double and ompi_mpi_op_sum; MPI_IN_PLACE is (void*)1.
/// </summary>
public sealed unsafe class Mpi : ICollective
{
    private const string Library = "libmpi.so.40";
    private readonly nint _world, _float, _double, _sum;
    private bool _finalized;

    public Mpi()
    {
        nint library = NativeLibrary.Load(Library);
        _world = NativeLibrary.GetExport(library, "ompi_mpi_comm_world");
        _float = NativeLibrary.GetExport(library, "ompi_mpi_float");
        _double = NativeLibrary.GetExport(library, "ompi_mpi_double");
        _sum = NativeLibrary.GetExport(library, "ompi_mpi_op_sum");
        Check(MPI_Init(null, null), nameof(MPI_Init));
        Check(MPI_Comm_rank(_world, out int rank), nameof(MPI_Comm_rank));
        Check(MPI_Comm_size(_world, out int size), nameof(MPI_Comm_size));
        Rank = rank;
        Size = size;
    }

    public int Rank { get; }
    public int Size { get; }

    public void SumInPlace<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint type = typeof(T) == typeof(float) ? _float : typeof(T) == typeof(double) ? _double : throw new NotSupportedException(typeof(T).Name);
        fixed (T* p = values)
        {
            Check(MPI_Allreduce((void*)1, p, values.Length, type, _sum, _world), nameof(MPI_Allreduce));
        }
    }

    public void Dispose()
    {
        if (!_finalized)
        {
            _finalized = true;
            Check(MPI_Finalize(), nameof(MPI_Finalize));
        }
    }

    private static void Check(int code, string call)
    {
        if (code != 0)
        {
            throw new InvalidOperationException($"{call} failed with MPI error code {code}.");
        }
    }

    [DllImport(Library)] private static extern int MPI_Init(int* argc, byte*** argv);
    [DllImport(Library)] private static extern int MPI_Comm_rank(nint comm, out int rank);
    [DllImport(Library)] private static extern int MPI_Comm_size(nint comm, out int size);
    [DllImport(Library)] private static extern int MPI_Allreduce(void* sendBuffer, void* receiveBuffer, int count, nint datatype, nint op, nint comm);
    [DllImport(Library)] private static extern int MPI_Finalize();
}
