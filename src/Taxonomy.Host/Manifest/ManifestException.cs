namespace Taxonomy.Host.Manifest;

/// <summary>A manifest or command-line problem, reported before training; the message names the file and field.</summary>
public sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner);
