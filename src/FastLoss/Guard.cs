using System;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastLoss;

/// <summary>Argument checks shared by every public method; all run before anything is written.</summary>
internal static class Guard
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Supported<T>()
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"FastLoss supports float and double; {typeof(T).Name} is not supported.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SameLength<T>(ReadOnlySpan<T> first, ReadOnlySpan<T> second,
        [CallerArgumentExpression(nameof(first))] string? firstName = null,
        [CallerArgumentExpression(nameof(second))] string? secondName = null)
    {
        if (first.Length != second.Length)
        {
            Throw.Lengths(firstName, first.Length, secondName, second.Length);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Reduction(Reduction reduction)
    {
        if (reduction is not FastLoss.Reduction.Mean and not FastLoss.Reduction.Sum)
        {
            Throw.BadReduction(reduction);
        }
    }

    /// <summary>
    /// An output span must have the input's length and may be the very same memory as
    /// <paramref name="input"/>; any other overlap with an input is an error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Output<T>(Span<T> output, ReadOnlySpan<T> input, ReadOnlySpan<T> other1, ReadOnlySpan<T> other2,
        [CallerArgumentExpression(nameof(output))] string? outputName = null,
        [CallerArgumentExpression(nameof(input))] string? inputName = null)
    {
        if (output.Length != input.Length)
        {
            Throw.OutputLength(outputName, inputName, input.Length, output.Length);
        }
        ReadOnlySpan<T> o = output;
        if (o.Overlaps(input, out int offset) && (offset != 0 || o.Length != input.Length))
        {
            Throw.PartialOverlap(outputName, inputName);
        }
        if (o.Overlaps(other1) || o.Overlaps(other2))
        {
            Throw.OtherOverlap(outputName, inputName);
        }
    }

    /// <summary>Checks the output of a form as <see cref="Output{T}(Span{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, string?, string?)"/>: the gradient of a fused call, the destination of a per-element one, nothing for a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Output<T>(Span<T> output, Kernels.Form form, ReadOnlySpan<T> input, ReadOnlySpan<T> other1, ReadOnlySpan<T> other2,
        [CallerArgumentExpression(nameof(input))] string? inputName = null)
    {
        if (form == Kernels.Form.Fused)
        {
            Output(output, input, other1, other2, "gradient", inputName);
        }
        else if (form == Kernels.Form.PerElement)
        {
            Output(output, input, other1, other2, "destination", inputName);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Positive<T>(T value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : IBinaryFloatingPointIeee754<T>
    {
        if (!(value > T.Zero) || T.IsInfinity(value))
        {
            Throw.OutOfRange(name, value, " must be positive and finite.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NonNegative<T>(T value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : IBinaryFloatingPointIeee754<T>
    {
        if (!(value >= T.Zero) || T.IsInfinity(value))
        {
            Throw.OutOfRange(name, value, " must be zero or positive, and finite.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OpenUnitInterval<T>(T value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : IBinaryFloatingPointIeee754<T>
    {
        if (!(value > T.Zero && value < T.One))
        {
            Throw.OutOfRange(name, value, " must lie strictly between 0 and 1.");
        }
    }

    /// <summary>Every element in [0, 1] (NaN propagates instead).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Probabilities<T>(ReadOnlySpan<T> values, [CallerArgumentExpression(nameof(values))] string? name = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int bad = Kernels.Scan.FirstOutside(values, T.Zero, T.One);
        if (bad >= 0)
        {
            NotProbability(values[bad], bad, name);
        }
    }

    /// <summary>Throws for element <paramref name="index"/> of <paramref name="name"/>, <paramref name="value"/>, outside [0, 1].</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void NotProbability<T>(T value, int index, string? name)
        => throw new ArgumentOutOfRangeException(name, value, $"{name}[{index}] is outside [0, 1].");

    /// <summary>Optional weights: empty, or as long as the input and none negative (NaN propagates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Weights<T>(ReadOnlySpan<T> weights, int expectedLength, [CallerArgumentExpression(nameof(weights))] string? name = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (weights.IsEmpty)
        {
            return;
        }
        if (weights.Length != expectedLength)
        {
            Throw.WeightsLength(name, expectedLength, weights.Length);
        }
        int bad = Kernels.Scan.FirstOutside(weights, T.Zero, T.PositiveInfinity);
        if (bad >= 0)
        {
            Throw.NegativeWeight(name, bad, weights[bad]);
        }
    }

    /// <summary>Hinge targets: every element −1 or +1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Signs<T>(ReadOnlySpan<T> values, [CallerArgumentExpression(nameof(values))] string? name = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int bad = Kernels.Scan.FirstNotSign(values);
        if (bad >= 0)
        {
            Throw.NotSign(name, bad, values[bad]);
        }
    }

    /// <summary>A class count: positive.</summary>
    public static void Classes(int classes, [CallerArgumentExpression(nameof(classes))] string? name = null)
    {
        if (classes <= 0)
        {
            throw new ArgumentOutOfRangeException(name, classes, $"{name} must be positive.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Rows<T>(ReadOnlySpan<T> matrix, int classes, [CallerArgumentExpression(nameof(matrix))] string? name = null,
        [CallerArgumentExpression(nameof(classes))] string? classesName = null)
    {
        Classes(classes, classesName);
        if (matrix.Length % classes != 0)
        {
            Throw.NotMultiple(name, matrix.Length, classesName, classes);
        }
        return matrix.Length / classes;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UnitInterval<T>(T value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : IBinaryFloatingPointIeee754<T>
    {
        if (!(value >= T.Zero && value <= T.One))
        {
            Throw.OutOfRange(name, value, " must lie in [0, 1].");
        }
    }

    /// <summary>Binary targets: every element 0 or 1 (NaN propagates instead).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ZeroOrOne<T>(ReadOnlySpan<T> values, [CallerArgumentExpression(nameof(values))] string? name = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int bad = Kernels.Scan.FirstNotZeroOrOne(values);
        if (bad >= 0)
        {
            Throw.NotZeroOrOne(name, bad, values[bad]);
        }
    }

    /// <summary>Throws unless every value is above <paramref name="bound"/> (NaN passes, and propagates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Above<T>(ReadOnlySpan<T> values, T bound, [CallerArgumentExpression(nameof(values))] string? name = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int bad = Kernels.Scan.FirstOutside(values, T.BitIncrement(bound), T.PositiveInfinity);
        if (bad >= 0)
        {
            Throw.NotAbove(name, bad, values[bad], bound);
        }
    }

    /// <summary>Throws unless no value is negative (NaN passes, and propagates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NotNegative<T>(ReadOnlySpan<T> values, [CallerArgumentExpression(nameof(values))] string? name = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int bad = Kernels.Scan.FirstOutside(values, T.Zero, T.PositiveInfinity);
        if (bad >= 0)
        {
            Throw.Negative(name, bad, values[bad]);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite.</summary>
    public static void Finite(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> lies in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static void InRange(double value, double low, double high, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= low && value <= high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [{low}, {high}].");
        }
    }

    /// <summary>
    /// The two gradients of a loss with two differentiable inputs: each empty (not asked for) or as long as its
    /// input and either separate from every input or that input itself, and the two separate from each other.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gradients<T>(Span<T> gradient1, ReadOnlySpan<T> input1, Span<T> gradient2, ReadOnlySpan<T> input2, ReadOnlySpan<T> other,
        [CallerArgumentExpression(nameof(gradient1))] string? gradient1Name = null,
        [CallerArgumentExpression(nameof(input1))] string? input1Name = null,
        [CallerArgumentExpression(nameof(gradient2))] string? gradient2Name = null,
        [CallerArgumentExpression(nameof(input2))] string? input2Name = null)
    {
        if (!gradient1.IsEmpty)
        {
            Output(gradient1, input1, input2, other, gradient1Name, input1Name);
        }
        if (!gradient2.IsEmpty)
        {
            Output(gradient2, input2, input1, other, gradient2Name, input2Name);
        }
        if (((ReadOnlySpan<T>)gradient1).Overlaps(gradient2))
        {
            Throw.GradientsOverlap(gradient1Name, gradient2Name);
        }
    }

    /// <summary>
    /// The outputs of an element-wise loss with two differentiable inputs: fused, its two gradients (<see cref="Gradients"/>);
    /// per element, the destination (in <paramref name="output1"/>) as any element-wise loss's.
    /// </summary>
    public static void TwoGradientOutputs<T>(Kernels.Form form, Span<T> output1, ReadOnlySpan<T> input1, Span<T> output2, ReadOnlySpan<T> input2, ReadOnlySpan<T> other,
        string gradient1Name, string input1Name, string gradient2Name, string input2Name)
    {
        if (form == Kernels.Form.Fused)
        {
            Gradients(output1, input1, output2, input2, other, gradient1Name, input1Name, gradient2Name, input2Name);
        }
        else
        {
            Output(output1, form, input1, input2, other, input1Name);
        }
    }

    /// <summary>
    /// The guards' exceptions, built out of line: a guard is compiled optimized at its first call, and with its message
    /// formatting inlined each took about a millisecond of the first call's JIT time (most of a trainer's first step).
    /// </summary>
    private static class Throw
    {
        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void Lengths(string? firstName, int first, string? secondName, int second)
            => throw new ArgumentException($"{firstName} and {secondName} must have the same length ({firstName}: {first}, {secondName}: {second}).", secondName);

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void BadReduction(Reduction reduction)
            => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Reduction must be Mean or Sum.");

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void OutputLength(string? outputName, string? inputName, int inputLength, int outputLength)
            => throw new ArgumentException($"{outputName} must have the length of {inputName} ({inputLength}), not {outputLength}.", outputName);

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void PartialOverlap(string? outputName, string? inputName)
            => throw new ArgumentException($"{outputName} overlaps {inputName} without being the same memory; it must be {inputName} itself (in place) or separate.", outputName);

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void OtherOverlap(string? outputName, string? inputName)
            => throw new ArgumentException($"{outputName} overlaps an input other than {inputName}.", outputName);

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void OutOfRange<T>(string? name, T value, string requirement)
            => throw new ArgumentOutOfRangeException(name, value, name + requirement);

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void NotSign<T>(string? name, int index, T value)
            => throw new ArgumentOutOfRangeException(name, value, $"{name}[{index}] is neither -1 nor +1.");

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void NotMultiple(string? name, int length, string? classesName, int classes)
            => throw new ArgumentException($"The length of {name} ({length}) is not a multiple of {classesName} ({classes}).", name);

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void NotZeroOrOne<T>(string? name, int index, T value)
            => throw new ArgumentOutOfRangeException(name, value, $"{name}[{index}] is {value}, neither 0 nor 1.");

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void NotAbove<T>(string? name, int index, T value, T bound)
            => throw new ArgumentOutOfRangeException(name, value, $"{name}[{index}] is {value}; it must be above {bound}.");

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void Negative<T>(string? name, int index, T value)
            => throw new ArgumentOutOfRangeException(name, value, $"{name}[{index}] is {value}; it must not be negative.");

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void GradientsOverlap(string? gradient1Name, string? gradient2Name)
            => throw new ArgumentException($"{gradient1Name} and {gradient2Name} overlap; each gradient needs memory of its own.", gradient2Name);

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void WeightsLength(string? name, int expected, int length)
            => throw new ArgumentException($"{name} must be empty or have {expected} elements, not {length}.", name);

        [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
        public static void NegativeWeight<T>(string? name, int index, T value)
            => throw new ArgumentOutOfRangeException(name, value, $"{name}[{index}] is negative.");
    }
}
