using System.Globalization;
using System.Runtime.InteropServices;
using Taxonomy.Abstractions.Data;
using TorchSharp;

namespace Taxonomy.Blocks.Data;

/// <summary>
/// Reads numeric CSV (comma separated, invariant culture; plain or gzip-compressed, judged by content) into
/// float32 features [n, columns]. A first row with a non-numeric cell is a header. Blank lines are skipped; NaN and
/// infinite values are rejected. <c>labels</c>: true, the last column is the integer label; false, every column is
/// a feature; null (the default), the last column is the label when it holds an integer on every row, unless it has
/// more than 50 distinct values and more than half as many as rows (an identifier), else a feature.
/// </summary>
public static class CsvReader
{
    /// <param name="log">Told, in one line, how a null <paramref name="labels"/> was decided.</param>
    public static Dataset Read(string path, bool? labels = null, int? limit = null, string? name = null, TextWriter? log = null) =>
        CompressedFile.Read(path, stream => Read(stream, path, labels, limit, name ?? NameOf(path), Path.GetFullPath(path), log));

    /// <summary>Reads a stream (already decompressed); <paramref name="displayName"/> is what error messages call it.</summary>
    internal static Dataset Read(Stream stream, string displayName, bool? labels, int? limit, string name, string source,
        TextWriter? log = null)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        var table = Parse(reader, displayName, labels, limit);
        if (labels is null)
        {
            log?.WriteLine(table.Decision);
        }
        return new Dataset(name, table.Rows.ToTensor(table.FeatureColumns), table.Labels, source);
    }

    /// <summary>"digits.csv.gz" → "digits".</summary>
    internal static string NameOf(string path)
    {
        var file = Path.GetFileName(path);
        foreach (var suffix in new[] { ".csv.gz", ".csv" })
        {
            if (file.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return file[..^suffix.Length];
            }
        }
        return file;
    }

    /// <summary>The parsed rows; <see cref="FeatureColumns"/> of each row's cells are features (the rest, the label).</summary>
    private sealed record Table(RowStore Rows, int FeatureColumns, int[]? Labels, string Decision);

    private static Table Parse(TextReader reader, string file, bool? labelsOption, int? limit)
    {
        var expected = -1;          // cells per row, from the header or the first data row
        var expectedFrom = 0;       // the line that set it, for the ragged-row message
        RowStore? rows = null;
        var withLabels = labelsOption == true;
        // Undecided (null option): every cell is kept as a feature while the last one is also collected as a label,
        // until a row shows it is not one.
        var labels = labelsOption == false ? null : new List<int>();
        string? notALabel = null;   // where an undecided last column first held a non-integer
        var lineNumber = 0;
        var sawHeader = false;

        while ((limit is null || rows is null || rows.Count < limit) && reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var cells = CountCells(line);
            if (expected < 0)
            {
                expected = cells;
                expectedFrom = lineNumber;
                if (withLabels && cells < 2)
                {
                    throw new DataException(
                        $"{file}: line {lineNumber} has 1 column, but with data.labels=true, the features come before a last " +
                        "label column; set data.labels=false (or leave it out) for unlabelled data.");
                }
                if (IsHeader(line))
                {
                    sawHeader = true;
                    continue;
                }
            }
            rows ??= new RowStore(withLabels ? expected - 1 : expected);
            if (cells != expected)
            {
                throw new DataException(
                    $"{file}: line {lineNumber} has {cells} columns, expected {expected} (as on line {expectedFrom}).");
            }
            if ((rows.Count + 1L) * expected * sizeof(float) > int.MaxValue)
            {
                throw new DataException($"{file}: more than 2 GB of float32 features by line {lineNumber}; this reader stops there (use data.limit).");
            }
            var row = rows.Add();
            ParseRow(line.AsSpan(), file, lineNumber, row, withLabels ? labels : null);
            if (labelsOption is null && labels is not null)
            {
                if (expected > 1 && TryParseLabel(LastCell(line), out var label))
                {
                    labels.Add(label);
                }
                else
                {
                    notALabel = expected > 1 ? $"line {lineNumber}: '{LastCell(line)}'" : "it is the only column";
                    labels = null;
                }
            }
        }

        if (rows is null)
        {
            throw new DataException(sawHeader
                ? $"{file}: the file has a header but no data rows."
                : $"{file}: the file is empty (no data rows).");
        }
        if (labelsOption is not null)
        {
            return new Table(rows, withLabels ? expected - 1 : expected, labels?.ToArray(), "");
        }
        // Integers on every row, but more distinct values than half the rows (and than any class count a clustering asks
        // for): an identifier or a measurement, not classes.
        if (labels is not null && labels.Distinct().Count() is var distinct && distinct * 2 > labels.Count && distinct > MaxDetectedClasses)
        {
            return new Table(rows, expected, null,
                $"data: {file}: the last column holds integers on every row, but {distinct} distinct values in {labels.Count} rows " +
                $"(an identifier or a measurement, not classes); reading all {expected} columns as features, no labels " +
                "(set data.labels=true to read it as labels)");
        }
        return labels is not null
            ? new Table(rows, expected - 1, labels.ToArray(),
                $"data: {file}: the last column holds integers on every row, read as labels ({labels.Distinct().Count()} distinct) " +
                $"beside {expected - 1} feature columns (set data.labels=false to read it as a feature)")
            : new Table(rows, expected, null,
                $"data: {file}: the last column is not integer labels ({notALabel}); reading all {expected} " +
                "columns as features, no labels (set data.labels=true to require labels)");
    }

    /// <summary>A detected label column with more distinct values than this and than half the rows is read as a feature.</summary>
    private const int MaxDetectedClasses = 50;

    private static ReadOnlySpan<char> LastCell(string line) => line.AsSpan(line.LastIndexOf(',') + 1);

    private static int CountCells(string line) => line.AsSpan().Count(',') + 1;

    private static bool IsHeader(string line)
    {
        foreach (var range in line.AsSpan().Split(','))
        {
            var cell = line.AsSpan()[range];
            if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Parses one row in a single pass. Plain integers (pixel values, labels) are accumulated inline, the hot path
    /// for 70,000×785 files; any other cell goes through the invariant-culture parser.
    /// </summary>
    private static void ParseRow(ReadOnlySpan<char> line, string file, int lineNumber, Span<float> row, List<int>? labels)
    {
        var i = 0;
        for (var column = 0; ; column++)
        {
            var start = i;
            var negative = i < line.Length && line[i] == '-';
            if (negative)
            {
                i++;
            }
            var digitsStart = i;
            var value = 0;
            while (i < line.Length && (uint)(line[i] - '0') <= 9 && i - digitsStart < 9)
            {
                value = value * 10 + (line[i] - '0');
                i++;
            }
            var simple = i > digitsStart && (i == line.Length || line[i] == ',');
            if (!simple)
            {
                var comma = line[start..].IndexOf(',');
                i = comma < 0 ? line.Length : start + comma;
            }
            var cell = line[start..i];

            if (column < row.Length)
            {
                row[column] = simple ? (negative ? -value : value) : ParseNumber(cell, file, lineNumber, column + 1);
            }
            else
            {
                labels!.Add(simple ? (negative ? -value : value) : ParseLabel(cell, file, lineNumber, column + 1));
            }

            if (i >= line.Length)
            {
                return;
            }
            i++;   // past the comma
        }
    }

    private static float ParseNumber(ReadOnlySpan<char> cell, string file, int lineNumber, int column)
    {
        if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new DataException($"{file}: line {lineNumber}, column {column}: '{cell}' is not a number.");
        }
        if (!float.IsFinite(value))
        {
            throw new DataException(
                $"{file}: line {lineNumber}, column {column}: '{cell}' is not a finite number (NaN and infinities are not allowed).");
        }
        return value;
    }

    private static int ParseLabel(ReadOnlySpan<char> cell, string file, int lineNumber, int column) =>
        TryParseLabel(cell, out var label) ? label : throw new DataException(
            $"{file}: line {lineNumber}, column {column}: the label '{cell}' is not an integer (data.labels=true); " +
            "set data.labels=false to read the last column as a feature.");

    /// <summary>Accepts "3" and "3.0" (label columns written from float arrays); rejects 3.5, NaN and words.</summary>
    private static bool TryParseLabel(ReadOnlySpan<char> cell, out int label)
    {
        var integral = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value) && Math.Floor(value) == value && Math.Abs(value) <= int.MaxValue;
        label = integral ? (int)value : 0;
        return integral;
    }

    /// <summary>
    /// Rows parsed so far, kept in fixed-size chunks and copied once into the final tensor: growing one big array
    /// by doubling would touch three times the memory on a 70,000×784 file.
    /// </summary>
    private sealed class RowStore(int columns)
    {
        private readonly int _rowsPerChunk = Math.Max(1, (1 << 20) / columns);
        private readonly List<float[]> _chunks = [];

        public int Count { get; private set; }

        /// <summary>The slot for the next row.</summary>
        public Span<float> Add()
        {
            var slot = Count % _rowsPerChunk;
            if (slot == 0)
            {
                _chunks.Add(new float[_rowsPerChunk * columns]);
            }
            Count++;
            return _chunks[^1].AsSpan(slot * columns, columns);
        }

        /// <summary>The first <paramref name="keep"/> columns of every row as a [Count, keep] tensor.</summary>
        public torch.Tensor ToTensor(int keep)
        {
            var tensor = torch.empty(new long[] { Count, keep }, torch.float32);
            // A view of the fresh tensor's memory, filled chunk by chunk (row by row when columns are dropped).
            var target = MemoryMarshal.Cast<byte, float>(tensor.bytes);
            var left = Count;
            foreach (var chunk in _chunks)
            {
                var chunkRows = Math.Min(_rowsPerChunk, left);
                if (keep == columns)
                {
                    chunk.AsSpan(0, chunkRows * columns).CopyTo(target);
                }
                else
                {
                    for (var row = 0; row < chunkRows; row++)
                    {
                        chunk.AsSpan(row * columns, keep).CopyTo(target[(row * keep)..]);
                    }
                }
                target = target[(chunkRows * keep)..];
                left -= chunkRows;
            }
            return tensor;
        }
    }
}
