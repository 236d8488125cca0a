return Taxonomy.Host.Cli.TaxonomyCli.Execute(args);
