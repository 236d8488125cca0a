using Microsoft.Extensions.Configuration;

namespace Taxonomy.Host.Running;

/// <summary>
/// The tool's own settings, as opposed to a method's (the manifest): the <c>TAXONOMY_*</c> environment variables, read
/// through Microsoft.Extensions.Configuration (<c>TAXONOMY_CACHE</c> binds to <see cref="Cache"/>). The C heap's
/// (<c>MALLOC_*</c>, <c>GLIBC_TUNABLES</c>) and oneDNN's (<c>ONEDNN_*</c>) variables are not among them: native code reads those.
/// </summary>
public sealed class HostSettings
{
    /// <summary>The prefix of the environment variables that are settings; it is not part of the setting's name.</summary>
    public const string EnvironmentPrefix = "TAXONOMY_";

    /// <summary><c>TAXONOMY_CACHE</c>: the pre-training cache's folder; unset or empty, <c>~/.cache/taxonomy</c>.</summary>
    public string? Cache { get; set; }

    /// <summary>The pre-training cache's folder: <see cref="Cache"/> when given, else <c>~/.cache/taxonomy</c>.</summary>
    public string CacheFolder => Cache is { Length: > 0 } folder
        ? folder
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "taxonomy");

    /// <summary>The configuration the settings are bound from: the process's <c>TAXONOMY_*</c> environment variables.</summary>
    public static IConfiguration FromEnvironment() =>
        new ConfigurationBuilder().AddEnvironmentVariables(EnvironmentPrefix).Build();

    public static HostSettings From(IConfiguration configuration) => configuration.Get<HostSettings>() ?? new HostSettings();
}
