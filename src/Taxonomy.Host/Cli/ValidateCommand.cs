using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Composition;

namespace Taxonomy.Host.Cli;

/// <summary>`taxonomy validate manifest.json`: every check short of reading the data and training (the data source, a branch.weights file and the cache folder are checked).</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "The method's JSON manifest." };
        var overrides = new ManifestOverrides();
        var command = new Command("validate", "Check a manifest: fields, block types, options, composition, its data source, branch.weights and the cache folder.") { manifest };
        overrides.AddTo(command);
        command.SetAction(parse =>
        {
            var (host, method) = overrides.Load(parse, parse.GetValue(manifest)!);
            using var services = host;
            DataCatalog.Check(method.Settings.Data, method.Directory, method.File);
            using var pipeline = Pipeline.Compose(method);
            Training.Preflight.Check(method, pipeline, epochLimit: null,   // branch.weights and the cache folder, as run checks them
                services.GetRequiredService<Training.PretrainingCache>());
            Console.WriteLine($"{method.File}: valid. {method.Name} = " + string.Join(" | ",
                method.Preprocessors.Concat(method.Blocks.Values).Select(s => s.Describe())));
            return 0;
        });
        return command;
    }
}
