namespace Taxonomy.Host.Platform;

/// <summary>How the convolution layers compute: the fastest way that gives right values on this machine.</summary>
public enum ConvolutionPath
{
    /// <summary>libtorch's conv2d through oneDNN (with the CPU's own kernels, or capped at SSE4.1 ones).</summary>
    OneDnn,

    /// <summary>libtorch's conv2d with oneDNN switched off (its own im2col + GEMM).</summary>
    NativeWithoutOneDnn,

    /// <summary>unfold + one matrix product per layer, built from ops that never reach oneDNN.</summary>
    Unfold,
}
