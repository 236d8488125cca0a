namespace Taxonomy.Host.Plugins;

/// <summary>A plugin that cannot be found, loaded or registered; the message names the folder or assembly.</summary>
public sealed class PluginException(string message, Exception? inner = null) : Exception(message, inner);
