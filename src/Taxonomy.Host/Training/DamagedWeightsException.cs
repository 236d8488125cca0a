namespace Taxonomy.Host.Training;

/// <summary>
/// A weights file, or its sidecar, that cannot be trusted: the message names the file and what is wrong; the reason is
/// the short form the pre-training cache logs when it trains afresh instead.
/// </summary>
public sealed class DamagedWeightsException(string reason, string message) : Exception(message)
{
    /// <summary>A few words, e.g. "checksum mismatch" or "another architecture".</summary>
    public string Reason { get; } = reason;
}
