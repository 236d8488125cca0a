namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// What every block shares: a chance to reject a composition before any data is loaded
/// (like ML.NET's schema propagation). Report problems through <see cref="Composition.Require"/>.
/// </summary>
public interface IBlock
{
    void CheckComposition(Composition composition) { }
}
