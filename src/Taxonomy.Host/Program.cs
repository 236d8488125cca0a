// Before any tensor exists: the C heap keeps large blocks instead of mapping them afresh for every chunk of an
// evaluation pass (NativeHeap says why and what it gains).
Taxonomy.Host.Training.NativeHeap.KeepLargeBlocks();
// Only the executable probes oneDNN's fast kernels in a child process (itself); in-process users of the CLI (the tests)
// keep the SSE4.1 cap, since their process may not be one that can run `probe-convolution`.
Taxonomy.Blocks.Branches.ConvolutionBackend.FastKernelsProbe = Taxonomy.Host.Cli.ConvolutionProbeCommand.FastKernelsAreRight;
return Taxonomy.Host.Cli.TaxonomyCli.Execute(args);
