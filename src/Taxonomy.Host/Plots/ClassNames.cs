namespace Taxonomy.Host.Plots;

/// <summary>The names of the classes of the built-in data sets that have them, for the label axes.</summary>
public static class ClassNames
{
    private static readonly string[] s_fashionMnist =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The name of label <paramref name="label"/> of <paramref name="dataset"/>: a class name where known, else the number.</summary>
    /// <param name="dataset">The data set's name, e.g. "fashion-mnist" or "fashion-mnist (train)" for one part.</param>
    public static string Of(string dataset, int label) =>
        dataset.StartsWith("fashion-mnist", StringComparison.Ordinal) && label >= 0 && label < s_fashionMnist.Length ? s_fashionMnist[label] : label.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
