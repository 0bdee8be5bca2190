using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using FastLoss.Kernels;
using FastLoss.Simd;

namespace FastLoss;

/// <summary>
/// One weighted term <c>w·L</c> of an <see cref="Objective{T}"/>: an element-wise loss with its parameters, over the
/// objective's input and target. Made by the factories of <see cref="ObjectiveTerm"/>; immutable.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public abstract class ObjectiveTerm<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private protected ObjectiveTerm(string name, T weight)
    {
        Guard.Supported<T>();
        if (!T.IsFinite(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "A term's weight must be finite.");
        }
        Name = name;
        Weight = weight;
    }

    /// <summary>The loss and its parameters, as <c>Huber(delta=1)</c>.</summary>
    public string Name { get; }

    /// <summary>The term's weight <c>w</c> (finite; negative and zero allowed).</summary>
    public T Weight { get; }

    /// <summary>Whether the loss is a few instructions per element (no exp or log).</summary>
    internal abstract bool Cheap { get; }

    /// <summary>Checks the input and target this loss requires (probabilities in [0, 1], targets ±1, …).</summary>
    internal abstract void Check(ReadOnlySpan<T> input, ReadOnlySpan<T> target);

    /// <summary>The term over <paramref name="blocks"/> whole blocks from <paramref name="x"/>, on <paramref name="path"/>.</summary>
    internal abstract void Blocks(KernelPath path, ref T x, ref T y, ref T output, nuint blocks, T gradientScale, T rho, TermOutput mode, ref PointwiseDriver.TermSums sums);

    /// <summary>The term over a last partial block of <paramref name="count"/> elements.</summary>
    internal abstract void LastBlock(KernelPath path, ref T x, ref T y, ref T output, nuint count, T gradientScale, T rho, TermOutput mode, ref PointwiseDriver.TermSums sums);

    /// <summary>This term and <paramref name="next"/> run as one where they share work (two losses of logits), else null.</summary>
    internal virtual TermPair<T>? PairWith(ObjectiveTerm<T> next) => null;

    /// <inheritdoc/>
    public override string ToString() => $"{Weight}·{Name}";
}

/// <summary>What a term does with its gradient in a pass of an objective.</summary>
internal enum TermOutput
{
    /// <summary>Nothing: the value only.</summary>
    None,
    /// <summary>Writes it (the first term, or a term's own gradient).</summary>
    Write,
    /// <summary>Adds it to what the output holds (the later terms).</summary>
    Add,
}

/// <summary>A term over an element-wise operator: runs the operator through the element-wise driver's blocks.</summary>
internal class OperatorTerm<T, TOp>(string name, T weight, TOp op, OperatorTerm<T, TOp>.Checker? check = null) : ObjectiveTerm<T>(name, weight)
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOp : struct, IPointwiseLoss<T>
{
    internal delegate void Checker(ReadOnlySpan<T> input, ReadOnlySpan<T> target);

    private protected readonly TOp _op = op;

    internal override bool Cheap => TOp.Cheap;

    internal override void Check(ReadOnlySpan<T> input, ReadOnlySpan<T> target) => check?.Invoke(input, target);

    internal override void Blocks(KernelPath path, ref T x, ref T y, ref T output, nuint blocks, T gradientScale, T rho, TermOutput mode, ref PointwiseDriver.TermSums sums)
    {
        switch (mode)
        {
            case TermOutput.None: Blocks<ValueMode>(path, ref x, ref y, ref output, blocks, gradientScale, rho, ref sums); break;
            case TermOutput.Write: Blocks<FusedMode>(path, ref x, ref y, ref output, blocks, gradientScale, rho, ref sums); break;
            default: Blocks<AddGradientMode>(path, ref x, ref y, ref output, blocks, gradientScale, rho, ref sums); break;
        }
    }

    internal override void LastBlock(KernelPath path, ref T x, ref T y, ref T output, nuint count, T gradientScale, T rho, TermOutput mode, ref PointwiseDriver.TermSums sums)
    {
        switch (mode)
        {
            case TermOutput.None: LastBlock<ValueMode>(path, ref x, ref y, ref output, count, gradientScale, rho, ref sums); break;
            case TermOutput.Write: LastBlock<FusedMode>(path, ref x, ref y, ref output, count, gradientScale, rho, ref sums); break;
            default: LastBlock<AddGradientMode>(path, ref x, ref y, ref output, count, gradientScale, rho, ref sums); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Blocks<TMode>(KernelPath path, ref T x, ref T y, ref T output, nuint blocks, T gradientScale, T rho, ref PointwiseDriver.TermSums sums)
        where TMode : struct, IPassMode
    {
        switch (path)
        {
            case KernelPath.Vector512: PointwiseDriver.TermBlocks<T, W512<T>, TOp, TMode>(ref x, ref y, ref output, blocks, in _op, gradientScale, rho, ref sums); break;
            case KernelPath.Vector256: PointwiseDriver.TermBlocks<T, W256<T>, TOp, TMode>(ref x, ref y, ref output, blocks, in _op, gradientScale, rho, ref sums); break;
            case KernelPath.Vector128: PointwiseDriver.TermBlocks<T, W128<T>, TOp, TMode>(ref x, ref y, ref output, blocks, in _op, gradientScale, rho, ref sums); break;
            default: PointwiseDriver.ScalarTerm<T, TOp, TMode>(ref x, ref y, ref output, blocks * 4 * (nuint)PointwiseDriver.Lanes<T>(), in _op, gradientScale, rho, ref sums); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LastBlock<TMode>(KernelPath path, ref T x, ref T y, ref T output, nuint count, T gradientScale, T rho, ref PointwiseDriver.TermSums sums)
        where TMode : struct, IPassMode
    {
        switch (path)
        {
            case KernelPath.Vector512: PointwiseDriver.TermLastBlock<T, W512<T>, TOp, TMode>(ref x, ref y, ref output, count, in _op, gradientScale, rho, ref sums); break;
            case KernelPath.Vector256: PointwiseDriver.TermLastBlock<T, W256<T>, TOp, TMode>(ref x, ref y, ref output, count, in _op, gradientScale, rho, ref sums); break;
            case KernelPath.Vector128: PointwiseDriver.TermLastBlock<T, W128<T>, TOp, TMode>(ref x, ref y, ref output, count, in _op, gradientScale, rho, ref sums); break;
            default: PointwiseDriver.ScalarTerm<T, TOp, TMode>(ref x, ref y, ref output, count, in _op, gradientScale, rho, ref sums); break;
        }
    }
}

/// <summary>A term whose loss is one of logits (<see cref="ILogisticLoss{T}"/>): two adjacent ones pair up (<see cref="LogisticTermPair{T, TFirst, TSecond}"/>).</summary>
internal sealed class LogisticTerm<T, TOp>(string name, T weight, TOp op, OperatorTerm<T, TOp>.Checker? check = null)
    : OperatorTerm<T, TOp>(name, weight, op, check), ILogisticTerm<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TOp : struct, ILogisticLoss<T>
{
    internal TOp Operator => _op;

    internal override TermPair<T>? PairWith(ObjectiveTerm<T> next) => next is ILogisticTerm<T> logistic ? logistic.After(this) : null;

    TermPair<T> ILogisticTerm<T>.After<TFirst>(LogisticTerm<T, TFirst> first) => new LogisticTermPair<T, TFirst, TOp>(first, this);
}

/// <summary>The second of two logistic terms, told the first's type (double dispatch: both operators' types make the pair's).</summary>
internal interface ILogisticTerm<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    TermPair<T> After<TFirst>(LogisticTerm<T, TFirst> first) where TFirst : struct, ILogisticLoss<T>;
}

/// <summary>
/// Two adjacent terms of an objective run as one over each tile: what they share is computed once, each term's
/// value and gradient rounded as when it runs alone (see <see cref="PointwiseDriver.PairBlocks"/>).
/// </summary>
internal abstract class TermPair<T>(ObjectiveTerm<T> first, ObjectiveTerm<T> second) where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public ObjectiveTerm<T> First { get; } = first;

    public ObjectiveTerm<T> Second { get; } = second;

    /// <summary>
    /// Both terms over whole blocks (<paramref name="count"/> = blocks) or a last partial block (<paramref name="count"/>
    /// = elements), on <paramref name="path"/>: the first's gradient as <paramref name="mode"/> says, the second's
    /// added to it, or with <paramref name="separate"/> each written into its own row.
    /// </summary>
    public abstract void Run(KernelPath path, bool last, ref T x, ref T y, ref T output, ref T output2, nuint count, T scale1, T scale2, T rho,
        TermOutput mode, bool separate, ref PointwiseDriver.TermSums sums1, ref PointwiseDriver.TermSums sums2);
}

/// <summary>Two logistic terms: their operators' pair on the vector paths; one after the other on the scalar path (its order is the scalar loop's).</summary>
internal sealed class LogisticTermPair<T, TFirst, TSecond>(LogisticTerm<T, TFirst> first, LogisticTerm<T, TSecond> second) : TermPair<T>(first, second)
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TFirst : struct, ILogisticLoss<T>
    where TSecond : struct, ILogisticLoss<T>
{
    private readonly LogisticPair<T, TFirst, TSecond> _pair = new(first.Operator, second.Operator);

    public override void Run(KernelPath path, bool last, ref T x, ref T y, ref T output, ref T output2, nuint count, T scale1, T scale2, T rho,
        TermOutput mode, bool separate, ref PointwiseDriver.TermSums sums1, ref PointwiseDriver.TermSums sums2)
    {
        switch (path)
        {
            case KernelPath.Vector512: Run<W512<T>>(last, ref x, ref y, ref output, ref output2, count, scale1, scale2, rho, mode, separate, ref sums1, ref sums2); break;
            case KernelPath.Vector256: Run<W256<T>>(last, ref x, ref y, ref output, ref output2, count, scale1, scale2, rho, mode, separate, ref sums1, ref sums2); break;
            case KernelPath.Vector128: Run<W128<T>>(last, ref x, ref y, ref output, ref output2, count, scale1, scale2, rho, mode, separate, ref sums1, ref sums2); break;
            default:
                TermOutput secondMode = mode == TermOutput.None ? TermOutput.None : separate ? TermOutput.Write : TermOutput.Add;
                if (last)
                {
                    First.LastBlock(path, ref x, ref y, ref output, count, scale1, rho, mode, ref sums1);
                    Second.LastBlock(path, ref x, ref y, ref separate ? ref output2 : ref output, count, scale2, rho, secondMode, ref sums2);
                }
                else
                {
                    First.Blocks(path, ref x, ref y, ref output, count, scale1, rho, mode, ref sums1);
                    Second.Blocks(path, ref x, ref y, ref separate ? ref output2 : ref output, count, scale2, rho, secondMode, ref sums2);
                }
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run<TVec>(bool last, ref T x, ref T y, ref T output, ref T output2, nuint count, T scale1, T scale2, T rho,
        TermOutput mode, bool separate, ref PointwiseDriver.TermSums sums1, ref PointwiseDriver.TermSums sums2)
        where TVec : struct, IVec<TVec, T>
    {
        switch (mode, separate)
        {
            case (TermOutput.None, _): Run<TVec, ValueMode, No>(last, ref x, ref y, ref output, ref output2, count, scale1, scale2, rho, ref sums1, ref sums2); break;
            case (_, true): Run<TVec, FusedMode, Yes>(last, ref x, ref y, ref output, ref output2, count, scale1, scale2, rho, ref sums1, ref sums2); break;
            case (TermOutput.Write, false): Run<TVec, FusedMode, No>(last, ref x, ref y, ref output, ref output2, count, scale1, scale2, rho, ref sums1, ref sums2); break;
            default: Run<TVec, AddGradientMode, No>(last, ref x, ref y, ref output, ref output2, count, scale1, scale2, rho, ref sums1, ref sums2); break;
        }
    }

    private void Run<TVec, TMode, TSeparate>(bool last, ref T x, ref T y, ref T output, ref T output2, nuint count, T scale1, T scale2, T rho,
        ref PointwiseDriver.TermSums sums1, ref PointwiseDriver.TermSums sums2)
        where TVec : struct, IVec<TVec, T>
        where TMode : struct, IPassMode
        where TSeparate : struct, IFlag
    {
        if (last)
        {
            PointwiseDriver.PairLastBlock<T, TVec, TFirst, TSecond, TMode, TSeparate>(ref x, ref y, ref output, ref output2, count, in _pair, scale1, scale2, rho, ref sums1, ref sums2);
        }
        else
        {
            PointwiseDriver.PairBlocks<T, TVec, TFirst, TSecond, TMode, TSeparate>(ref x, ref y, ref output, ref output2, count, in _pair, scale1, scale2, rho, ref sums1, ref sums2);
        }
    }
}

/// <summary>
/// The terms an <see cref="Objective{T}"/> is built from: each element-wise loss of <see cref="Loss"/> over one input
/// and one target, with its parameters (checked here, as the loss checks them) and a weight. The root mean squared
/// error is not a term: its gradient needs its own value first (a second pass).
/// </summary>
public static partial class ObjectiveTerm
{
    // The input checks of the single losses, by the names of the objective's parameters.
    private static void InputsAreProbabilities<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> target) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Guard.Probabilities(input);

    private static void TargetsInUnitInterval<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> target) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Guard.Probabilities(target);

    private static void TargetsAreSigns<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> target) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Guard.Signs(target);
}
