using System.Reflection;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Branches;

/// <summary>The sample shapes the branches accept, checked in Build with one wording for every branch.</summary>
internal static class SampleShapes
{
    /// <summary>Throws unless a sample is an image [channels, height, width], and says how to make it one.</summary>
    public static void RequireImages(object branch, long[] sampleShape)
    {
        if (sampleShape.Length != 3)
        {
            throw new ArgumentException(
                $"branch '{NameOf(branch)}' needs images [channels, height, width] but the data has shape " +
                $"[{string.Join(", ", sampleShape)}]; remove the 'flatten' preprocessor, or add 'reshape' " +
                "(e.g. \"shape\": [1, 8, 8]) for flat data");
        }
    }

    /// <summary>Throws unless a sample is a flat vector, and says how to make it one.</summary>
    public static void RequireFlat(object branch, long[] sampleShape)
    {
        if (sampleShape.Length != 1)
        {
            throw new ArgumentException(
                $"branch '{NameOf(branch)}' needs flat samples but the data has shape [{string.Join(", ", sampleShape)}]; " +
                "add the 'flatten' preprocessor");
        }
    }

    /// <summary>The name manifests give the branch (mlp-vae for the VAE, though it derives from mlp-autoencoder).</summary>
    private static string NameOf(object branch) => branch.GetType().GetCustomAttribute<BlockAttribute>()!.Name;
}
