namespace Taxonomy.Host.Training;

/// <summary>A weights file whose bytes matched its sidecar, held in memory so the bytes checked are the bytes loaded.</summary>
public sealed class VerifiedWeights
{
    internal VerifiedWeights(string path, byte[] bytes, IReadOnlyList<StoredTensor> tensors, bool checksummed) =>
        (Path, Bytes, Tensors, Checksummed) = (path, bytes, tensors, checksummed);

    public string Path { get; }

    internal byte[] Bytes { get; }

    public IReadOnlyList<StoredTensor> Tensors { get; }

    /// <summary>False for a sidecar of the first format, which lists shapes only.</summary>
    public bool Checksummed { get; }
}
