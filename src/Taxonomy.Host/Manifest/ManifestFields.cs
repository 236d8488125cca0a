using Taxonomy.Abstractions.Registration;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Manifest;

/// <summary>The top-level fields a manifest may have.</summary>
public static class ManifestFields
{
    public static readonly IReadOnlyList<string> Settings =
        ["name", "description", "plugins", "clusters", "seed", "threads", "device", "pretrainingCache", "data", "optimizer", "kmeans", "log"];

    /// <summary>
    /// Fields read from the file before the settings and blocks are bound, with their meaning ("extends" is merged
    /// away by <see cref="ManifestDocument"/>; "$schema" is for editors and accepted without effect).
    /// </summary>
    public static readonly IReadOnlyList<(string Field, string Meaning)> Document =
    [
        (Schema, $"The JSON Schema editors check and complete this manifest with ({ManifestSchema.CommittedPath}, written by " +
                 "`taxonomy schema`); ignored by taxonomy."),
        (Extends, "Path of a base manifest, relative to this one: this manifest is the base with these fields on top " +
                  "(sections merge field by field; a block with another \"type\" replaces the base's; null removes a field)."),
    ];

    public const string Schema = "$schema";

    public const string Extends = "extends";

    /// <summary>Every field the loader accepts once "extends" is merged: settings, blocks and "$schema".</summary>
    public static IEnumerable<string> All => Settings.Concat(BlockRoles.All.Select(BlockRoles.Field)).Append(Schema);

    /// <summary>Fields holding an object section (a block, data, optimizer, log).</summary>
    public static bool IsSection(string field) =>
        BlockRoles.All.Any(r => BlockRoles.Field(r).Equals(field, StringComparison.OrdinalIgnoreCase))
        || field.Equals("data", StringComparison.OrdinalIgnoreCase);

    public static BlockRole? RoleOf(string field) =>
        BlockRoles.All.Cast<BlockRole?>().FirstOrDefault(r => BlockRoles.Field(r!.Value).Equals(field, StringComparison.OrdinalIgnoreCase));
}
