using TorchSharp;

namespace Taxonomy.Abstractions.Data;

/// <summary>One column of labels: a name ("label", "left", "right") and one integer per sample.</summary>
public sealed record LabelColumn(string Name, int[] Values);

/// <summary>
/// An in-memory data set: features [n, ...] (float32, CPU) and, when known, labels: usually one integer per sample,
/// or several label columns (data with two independent groupings, for non-redundant clustering), the first of which
/// is <see cref="Labels"/>. Owns its feature tensor.
/// </summary>
public sealed class Dataset : IDisposable
{
    /// <summary>The name of the label column of a data set with one.</summary>
    public const string LabelColumnName = "label";

    public Dataset(string name, torch.Tensor features, int[]? labels, string source)
        : this(labels is null ? [] : [new LabelColumn(LabelColumnName, labels)], name, features, source)
    {
    }

    /// <summary>A data set with several label columns (or none: an empty list).</summary>
    public static Dataset WithLabelColumns(string name, torch.Tensor features, IReadOnlyList<LabelColumn> labelColumns, string source) =>
        new(labelColumns, name, features, source);

    private Dataset(IReadOnlyList<LabelColumn> labelColumns, string name, torch.Tensor features, string source)
    {
        foreach (var column in labelColumns)
        {
            if (column.Values.Length != features.shape[0])
            {
                throw new ArgumentException(
                    $"{source}: {features.shape[0]} samples but {column.Values.Length} labels in '{column.Name}'.", nameof(labelColumns));
            }
        }
        if (labelColumns.Any(c => string.IsNullOrWhiteSpace(c.Name) || c.Name.Contains(','))
            || labelColumns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != labelColumns.Count)
        {
            throw new ArgumentException($"{source}: label columns need distinct names without commas.", nameof(labelColumns));
        }
        Name = name;
        Features = features;
        LabelColumns = labelColumns;
        Source = source;
        features.DetachFromDisposeScope();
    }

    /// <summary>Short name for logs and results, e.g. "digits".</summary>
    public string Name { get; }

    /// <summary>Where it came from: a file, folder or generator description.</summary>
    public string Source { get; }

    public torch.Tensor Features { get; }

    /// <summary>The first label column's values (the one the headline metrics use), or null for unlabelled data.</summary>
    public int[]? Labels => LabelColumns.Count > 0 ? LabelColumns[0].Values : null;

    /// <summary>Every label column, in order; empty for unlabelled data.</summary>
    public IReadOnlyList<LabelColumn> LabelColumns { get; }

    public int Count => (int)Features.shape[0];

    /// <summary>Shape of one sample, e.g. [64] or [1, 28, 28].</summary>
    public long[] SampleShape => Features.shape[1..];

    /// <summary>The same samples and labels with new features (e.g. after preprocessing).</summary>
    public Dataset WithFeatures(torch.Tensor features) => new(LabelColumns, Name, features, Source);

    /// <summary>The first <paramref name="count"/> rows' labels, every column.</summary>
    public IReadOnlyList<LabelColumn> LabelsOfFirst(int count) =>
        LabelColumns.Select(c => c with { Values = c.Values[..count] }).ToList();

    public void Dispose() => Features.Dispose();
}
