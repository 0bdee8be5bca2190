namespace FastLoss;

/// <summary>How a multi-class precision, recall or F1 score averages its classes (scikit-learn's <c>average</c>).</summary>
public enum Average
{
    /// <summary>The unweighted mean over every class <c>[0, classes)</c>; a class never predicted nor present counts 0.</summary>
    Macro,

    /// <summary>From the counts summed over the classes: for single-label rows precision, recall and F1 all equal the accuracy.</summary>
    Micro,

    /// <summary>The mean over the classes weighted by each class's number of rows (its support).</summary>
    Weighted,
}
