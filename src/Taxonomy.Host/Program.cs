// Before any tensor exists: the platform's process-wide settings (HostPlatform says which and why).
Taxonomy.Host.Platform.HostPlatform.Process.BeforeFirstTensor();
return Taxonomy.Host.Cli.TaxonomyCli.Execute(args);
