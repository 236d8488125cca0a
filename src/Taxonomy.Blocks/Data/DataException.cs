namespace Taxonomy.Blocks.Data;

/// <summary>
/// A data source could not be found or read. The message names the source (file, line, column where it applies)
/// and says what was expected, so it can be shown to the user as is.
/// </summary>
public sealed class DataException(string message, Exception? inner = null) : Exception(message, inner);
