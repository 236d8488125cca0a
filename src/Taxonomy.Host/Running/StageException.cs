using Taxonomy.Blocks.Data;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Output;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Running;

/// <summary>
/// A failure the product did not foresee (I/O, native memory, a block's bug) while a run was at <see cref="Stage"/>,
/// e.g. "training, phase 'pretrain', epoch 3": the CLI reports the stage with the system's own message.
/// </summary>
public sealed class StageException(string stage, Exception inner) : Exception($"while {stage}: {inner.Message}", inner)
{
    public string Stage => stage;

    /// <summary>Runs <paramref name="action"/>; an unforeseen failure becomes a <see cref="StageException"/> of <paramref name="stage"/>.</summary>
    public static T During<T>(string stage, Func<T> action) => During(() => stage, action);

    /// <param name="stage">Asked only on failure, so it can say how far the stage got.</param>
    public static T During<T>(Func<string> stage, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (!Explains(e))
        {
            throw new StageException(stage(), e);
        }
    }

    public static void During(string stage, Action action) => During(stage, () =>
    {
        action();
        return 0;
    });

    /// <summary>
    /// True for the product's own failures, whose message already names the file, field, row or stage, and for a
    /// cancellation, which the caller asked for and catches as such.
    /// </summary>
    public static bool Explains(Exception e) =>
        e is ManifestException or PluginException or DataException or TrainingException or RunFolderException or StageException
             or Models.ModelException or OperationCanceledException;
}
