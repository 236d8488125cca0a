namespace Taxonomy.Host.Output;

/// <summary>The run folder (--out) cannot be used: the message names --out, the path and why.</summary>
public sealed class RunFolderException(string message, Exception? inner = null) : Exception(message, inner);
