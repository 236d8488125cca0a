namespace Taxonomy.Host.Plots;

/// <summary>A run folder that cannot be drawn: its message names the file or the field and what is wrong.</summary>
public sealed class PlotException(string message, Exception? inner = null) : Exception(message, inner);
