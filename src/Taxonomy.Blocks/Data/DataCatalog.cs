using Taxonomy.Abstractions.Data;
using TorchSharp;

namespace Taxonomy.Blocks.Data;

/// <summary>
/// Resolves the manifest's data source: a built-in name, or a path to a .csv/.csv.gz file or a folder of IDX files.
/// </summary>
public static class DataCatalog
{
    public const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist/";
    internal const string DigitsResource = "Taxonomy.Data.digits.csv.gz";

    /// <summary>The built-in data sets, in the order we list them.</summary>
    public static IReadOnlyList<string> BuiltIns { get; } = ["digits", DigitPairs.Name, "synthetic", "blobs", SyntheticData.TableName, "fashion-mnist"];

    /// <summary>The built-in sets that are embedded or generated, not read from a file or folder.</summary>
    internal static bool IsInMemory(string source) => source is "digits" or DigitPairs.Name or "synthetic" or "blobs" or SyntheticData.TableName;

    internal static string BuiltInList => string.Join(", ", BuiltIns);

    /// <summary>
    /// Checks, without reading any data, that the options can be loaded: a built-in set (Fashion-MNIST installed), an
    /// existing non-empty .csv/.csv.gz file, or a folder with IDX image files. Throws a <see cref="DataException"/>;
    /// <paramref name="manifest"/>, the file the options come from, begins the messages about its data.* fields.
    /// </summary>
    public static void Check(DataOptions options, string? baseDirectory = null, string? manifest = null) =>
        Resolve(options, baseDirectory, manifest);

    /// <summary>
    /// Loads the data set the options describe. <paramref name="seed"/> drives the generators;
    /// relative paths are tried against <paramref name="baseDirectory"/> (the manifest's folder), then the current directory.
    /// </summary>
    /// <param name="log">Told, when data.labels is not given, whether a CSV file's last column was read as labels.</param>
    /// <param name="manifest">The file the options come from, for messages about its data.* fields.</param>
    public static Dataset Load(DataOptions options, int seed, string? baseDirectory = null, TextWriter? log = null,
        string? manifest = null)
    {
        var (kind, source) = Resolve(options, baseDirectory, manifest);
        var dataset = kind switch
        {
            SourceKind.CsvFile => CsvReader.Read(source, options.Labels, options.Limit, log: log),
            SourceKind.IdxFolder => IdxReader.ReadFolder(source, requireLabels: options.Labels == true, split: options.Split),
            _ => source switch
            {
                "digits" => LoadDigits(options.Limit),
                DigitPairs.Name => PairsOfDigits(seed),
                "synthetic" => SyntheticData.FourClusters(seed, options.PerCluster ?? 2500),
                "blobs" => SyntheticData.Blobs(seed, options.Clusters ?? 4, options.PerCluster ?? 2500, options.Dimensions ?? 2,
                    options.Spread ?? 1.0),
                SyntheticData.TableName => SyntheticData.Table(seed, options.Clusters ?? 3, options.PerCluster ?? 200,
                    options.Dimensions ?? 8, options.Irrelevant ?? 3, options.Spread ?? 3.0),
                _ => LoadFashionMnist(FashionMnistFolder, options.Split),
            },
        };
        if (options.Labels == false && dataset.LabelColumns.Count > 0)
        {
            dataset = new Dataset(dataset.Name, dataset.Features, labels: null, dataset.Source);  // same tensor, labels dropped
        }
        return options.Limit is int limit ? Take(dataset, limit) : dataset;
    }

    /// <summary>The embedded UCI digits (1,797 8×8 images, values 0..16, labelled), read through <see cref="CsvReader"/>.</summary>
    public static Dataset LoadDigits(int? limit = null)
    {
        using var resource = typeof(DataCatalog).Assembly.GetManifestResourceStream(DigitsResource)
            ?? throw new DataException($"The embedded resource {DigitsResource} is missing from {typeof(DataCatalog).Assembly.GetName().Name}.");
        using var stream = CompressedFile.Open(resource);
        return CsvReader.Read(stream, $"embedded {DigitsResource}", labels: true, limit, "digits",
            "UCI Optical Recognition of Handwritten Digits (Alpaydin & Kaynak, 1998; CC BY 4.0), embedded");
    }

    private static Dataset PairsOfDigits(int seed)
    {
        using var digits = LoadDigits();
        return DigitPairs.Create(digits, seed);
    }

    internal static Dataset LoadFashionMnist(string folder, string split = IdxReader.AllParts)
    {
        RequireFashionMnist(folder);
        return IdxReader.ReadFolder(folder, "fashion-mnist", split: split);
    }

    private static void RequireFashionMnist(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DataException(
                "Fashion-MNIST is not installed: run `sudo apt-get install dataset-fashion-mnist` " +
                $"(Debian package; it installs {FashionMnistFolder}).");
        }
    }

    private enum SourceKind { BuiltIn, CsvFile, IdxFolder }

    /// <summary>What the source names: a built-in set (its lower-case name), a CSV file or an IDX folder (full paths).</summary>
    private static (SourceKind Kind, string Source) Resolve(DataOptions options, string? baseDirectory, string? manifest)
    {
        ArgumentNullException.ThrowIfNull(options);
        var field = manifest is null ? "" : $"{manifest}: ";
        try
        {
            options.Validate();
        }
        catch (DataException e) when (manifest is not null)
        {
            throw new DataException(field + e.Message, e);
        }
        var source = options.Source.Trim();
        var name = source.ToLowerInvariant();
        if (BuiltIns.Contains(name))
        {
            if (name == "fashion-mnist")
            {
                RequireFashionMnist(FashionMnistFolder);
                CheckSplit(options.Split, FashionMnistFolder, field);
            }
            return (SourceKind.BuiltIn, name);
        }
        var tried = Candidates(source, baseDirectory).ToList();
        foreach (var path in tried)
        {
            if (Directory.Exists(path))
            {
                IdxReader.FindParts(path);   // lists the folder: it must hold IDX image files
                CheckSplit(options.Split, path, field);
                return (SourceKind.IdxFolder, path);
            }
            if (File.Exists(path))
            {
                if (!path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                    && !path.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase))
                {
                    throw new DataException(
                        $"{path}: unsupported data file; expected a .csv or .csv.gz file, or a folder of IDX files.");
                }
                if (LocalFile.Problem(path) is { } problem)
                {
                    throw new DataException($"{path}: {problem}.");
                }
                if (!IdxReader.IsAll(options.Split))
                {
                    throw new DataException($"{field}{DataOptions.SplitOnlyForIdx} not to the CSV file {path}.");
                }
                return (SourceKind.CsvFile, path);
            }
        }
        throw new DataException(
            $"{field}data.source: '{source}' is neither a built-in data set ({BuiltInList}) nor an existing file or folder; " +
            $"tried {string.Join(", ", tried)}.");
    }

    /// <summary>Refuses, before any data is read, a data.split that names no part of the folder.</summary>
    private static void CheckSplit(string split, string folder, string field)
    {
        try
        {
            IdxReader.ResolveSplit(folder, split);
        }
        catch (DataException e) when (field.Length > 0)
        {
            throw new DataException(field + e.Message, e);
        }
    }

    /// <summary>
    /// The prefix of the one part of an IDX folder that <see cref="DataOptions.Split"/> reads ("t10k" for "test"), or
    /// null when every part is read or the source is not an IDX folder. Throws a <see cref="DataException"/> when the
    /// folder has no such part.
    /// </summary>
    public static string? SplitPart(DataOptions options, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        return !IdxReader.IsAll(options.Split) && LocalPath(options, baseDirectory) is { } folder && Directory.Exists(folder)
            ? IdxReader.ResolveSplit(folder, options.Split)
            : null;
    }

    /// <summary>
    /// The file or folder a source reads, resolved as <see cref="Load"/> resolves it; null for the generated and embedded
    /// sets, and for a path that does not exist.
    /// </summary>
    public static string? LocalPath(DataOptions options, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = options.Source.Trim();
        return source.ToLowerInvariant() switch
        {
            var name when IsInMemory(name) => null,
            "fashion-mnist" => FashionMnistFolder,
            _ => Candidates(source, baseDirectory).FirstOrDefault(p => Directory.Exists(p) || File.Exists(p)),
        };
    }

    private static IEnumerable<string> Candidates(string source, string? baseDirectory)
    {
        if (Path.IsPathRooted(source))
        {
            return [source];
        }
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(baseDirectory))
        {
            candidates.Add(Path.GetFullPath(Path.Combine(baseDirectory, source)));
        }
        candidates.Add(Path.GetFullPath(source));
        return candidates.Distinct();
    }

    /// <summary>The first <paramref name="limit"/> samples; disposes the full set when it had more.</summary>
    internal static Dataset Take(Dataset dataset, int limit)
    {
        if (dataset.Count <= limit)
        {
            return dataset;
        }
        using (dataset)
        {
            using var view = dataset.Features.narrow(0, 0, limit);
            return Dataset.WithLabelColumns(dataset.Name, view.clone(), dataset.LabelsOfFirst(limit), dataset.Source + $" (first {limit})");
        }
    }
}
