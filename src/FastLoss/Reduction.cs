namespace FastLoss;

/// <summary>How per-element (or per-row) losses are reduced to one number.</summary>
public enum Reduction
{
    /// <summary>The average: the sum divided by the number of elements (or by the summed weights where weights define the mean). Empty input gives NaN.</summary>
    Mean = 0,
    /// <summary>The sum. Empty input gives 0.</summary>
    Sum = 1,
}
