namespace Taxonomy.Host.Models;

/// <summary>A model folder that cannot be used: its message names the file and what does not match.</summary>
public sealed class ModelException(string message, Exception? inner = null) : Exception(message, inner);
