using Taxonomy.Abstractions.Registration;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Manifest;

/// <summary>The top-level fields a manifest may have.</summary>
public static class ManifestFields
{
    public static readonly IReadOnlyList<string> Settings =
        ["name", "description", "plugins", "clusters", "seed", "threads", "device", "pretrainingCache", "data", "optimizer", "kmeans", "log"];

    public static IEnumerable<string> All => Settings.Concat(BlockRoles.All.Select(BlockRoles.Field));

    /// <summary>Fields holding an object section (a block, data, optimizer, log).</summary>
    public static bool IsSection(string field) =>
        BlockRoles.All.Any(r => BlockRoles.Field(r).Equals(field, StringComparison.OrdinalIgnoreCase))
        || field.Equals("data", StringComparison.OrdinalIgnoreCase);

    public static BlockRole? RoleOf(string field) =>
        BlockRoles.All.Cast<BlockRole?>().FirstOrDefault(r => BlockRoles.Field(r!.Value).Equals(field, StringComparison.OrdinalIgnoreCase));
}
