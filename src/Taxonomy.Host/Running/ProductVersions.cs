using System.Reflection;
using TorchSharp;

namespace Taxonomy.Host.Running;

/// <summary>The versions a result or a model records: taxonomy, TorchSharp, .NET and the OS.</summary>
public static class ProductVersions
{
    public static string Taxonomy { get; } = Version(typeof(ProductVersions).Assembly);

    public static Dictionary<string, string> Current() => new()
    {
        ["taxonomy"] = Taxonomy,
        ["torchsharp"] = Version(typeof(torch).Assembly),
        ["dotnet"] = Environment.Version.ToString(),
        ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
    };

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "?";
}
