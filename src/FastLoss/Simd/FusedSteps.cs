using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastLoss.Simd;

/// <summary>
/// How an elementary function of <see cref="VMath"/> takes its fused multiply-adds: <see cref="ExactSteps"/> each
/// rounded once (<see cref="IVec{TSelf, T}.MultiplyAdd"/>), or <see cref="DeferredSteps"/> where the FMA is emulated:
/// rounded from double, any lane that may differ noted in <c>inexact</c>, and the function computed again with
/// exact steps when one did (<c>VMath.Deferred</c>). The same bits either way.
/// </summary>
internal interface IFusedSteps
{
    static abstract TVec MultiplyAdd<TVec, T>(TVec a, TVec b, TVec c, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    static abstract TVec MultiplyAddScale<TVec, T>(TVec q, TVec s, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>;
}

/// <summary>Each fused step rounded once, where it is taken.</summary>
internal readonly struct ExactSteps : IFusedSteps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec MultiplyAdd<TVec, T>(TVec a, TVec b, TVec c, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TVec.MultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec MultiplyAddScale<TVec, T>(TVec q, TVec s, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TVec.MultiplyAddScale(q, s);
}

/// <summary>Each fused step rounded from double, the lanes that may not have the fused bits noted (emulated FMA only).</summary>
internal readonly struct DeferredSteps : IFusedSteps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec MultiplyAdd<TVec, T>(TVec a, TVec b, TVec c, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TVec.MultiplyAddDeferred(a, b, c, ref inexact);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec MultiplyAddScale<TVec, T>(TVec q, TVec s, ref int inexact)
        where TVec : struct, IVec<TVec, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TVec.MultiplyAddScaleDeferred(q, s, ref inexact);
}
