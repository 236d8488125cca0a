using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace Taxonomy.Host.Manifest;

/// <summary>
/// The range rules of bound options, at every depth: nested option objects, dictionaries (per-phase optimiser
/// overrides) and lists of numbers. A [Range] attribute declares an option's range (MinimumIsExclusive and
/// MaximumIsExclusive are honoured; on a list it applies to each element); every number must also be finite, since
/// the binder reads "NaN", "Infinity" and 1e999 as doubles. Messages use the manifest path:
/// "optimizer.learningRate must be &gt; 0 and ≤ 10, got -1".
/// </summary>
public static class OptionRanges
{
    /// <param name="path">The options' manifest path, e.g. "clusteringLoss"; empty for the manifest's top level.</param>
    public static IEnumerable<string> Problems(object options, string path)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            if (property.GetValue(options) is not { } value)
            {
                continue;
            }
            var name = Join(path, OptionsBinder.CamelCase(property.Name));
            foreach (var problem in Check(value, name, property.GetCustomAttribute<RangeAttribute>()))
            {
                yield return problem;
            }
        }
    }

    /// <summary>Joins a manifest path and a field: "optimizer" + "batchSize", "" + "seed".</summary>
    public static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    /// <summary>"between 1 and 1000", "&gt; 0 and ≤ 10": the range as the manifest documentation and messages say it.</summary>
    public static string Describe(RangeAttribute range)
    {
        var (min, max) = (Format(range.Minimum), Format(range.Maximum));
        return (range.MinimumIsExclusive, range.MaximumIsExclusive) switch
        {
            (false, false) => $"between {min} and {max}",
            (true, false) => $"> {min} and ≤ {max}",
            (false, true) => $"≥ {min} and < {max}",
            (true, true) => $"> {min} and < {max}",
        };
    }

    private static IEnumerable<string> Check(object value, string path, RangeAttribute? range)
    {
        switch (value)
        {
            case string or bool or Enum:
                yield break;
            case IConvertible number when IsNumber(value):
                if (Problem(number.ToDouble(CultureInfo.InvariantCulture), range) is { } expected)
                {
                    yield return $"{path} must be {expected}, got {Format(value)}";
                }
                yield break;
            case IDictionary entries:
                foreach (DictionaryEntry entry in entries)
                {
                    foreach (var problem in entry.Value is null ? [] : Check(entry.Value, $"{path}.{entry.Key}", range))
                    {
                        yield return problem;
                    }
                }
                yield break;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    foreach (var problem in item is null ? [] : Check(item, $"{path}[{index}]", range))
                    {
                        yield return problem;
                    }
                    index++;
                }
                yield break;
            case var options when value.GetType().Namespace?.StartsWith("System", StringComparison.Ordinal) != true:
                foreach (var problem in Problems(options, path))
                {
                    yield return problem;
                }
                yield break;
        }
    }

    /// <summary>What the value should be, or null when it is.</summary>
    private static string? Problem(double value, RangeAttribute? range)
    {
        if (range is null)
        {
            return double.IsFinite(value) ? null : "a finite number";
        }
        var min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
        var max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        var above = range.MinimumIsExclusive ? value > min : value >= min;
        var below = range.MaximumIsExclusive ? value < max : value <= max;
        return double.IsFinite(value) && above && below ? null : Describe(range);
    }

    private static bool IsNumber(object value) => Type.GetTypeCode(value.GetType()) is
        TypeCode.SByte or TypeCode.Byte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or
        TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Single or TypeCode.Double or TypeCode.Decimal;

    private static string Format(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
