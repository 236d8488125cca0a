using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Taxonomy.Host.Running;

/// <summary>
/// Recognises memory that could not be allocated: the runtime's <see cref="OutOfMemoryException"/>, or libtorch's
/// "can't allocate memory: you tried to allocate N bytes" that TorchSharp raises as an <see cref="ExternalException"/>.
/// </summary>
public static partial class AllocationFailure
{
    public static bool Is(Exception e) =>
        e is OutOfMemoryException || e is ExternalException && e.Message.Contains("can't allocate memory", StringComparison.Ordinal);

    /// <summary>"out of memory (25.6 GB requested at once)", or without the size when the failure does not say it.</summary>
    public static string Describe(Exception e) => Requested(e) is { } size ? $"out of memory ({size} requested at once)" : "out of memory";

    /// <summary>"25.6 GB", the size of the allocation that failed, when libtorch says it.</summary>
    public static string? Requested(Exception e) =>
        TriedBytes().Match(e.Message) is { Success: true } match
        && double.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var bytes)
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.#} GB")
            : null;

    [GeneratedRegex(@"tried to allocate (\d+) bytes")]
    private static partial Regex TriedBytes();
}
