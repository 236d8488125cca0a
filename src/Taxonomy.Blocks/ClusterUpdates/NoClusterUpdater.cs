using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>No cluster updates during training (methods without a clustering phase).</summary>
[Block("none", Summary = "No cluster updates during training.")]
public sealed class NoClusterUpdater : IClusterUpdater;
