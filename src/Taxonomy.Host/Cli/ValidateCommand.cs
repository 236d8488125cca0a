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
            using var loaded = overrides.Load(parse, parse.GetValue(manifest)!);
            var method = loaded.Method;
            DataCatalog.Check(method.Settings.Data, method.Directory, method.File);
            using var scope = loaded.Services.CreateScope();
            using var pipeline = Pipeline.Compose(method, scope.ServiceProvider);
            Training.Preflight.Check(method, pipeline, epochLimit: null);   // branch.weights and the cache folder, as run checks them
            Console.WriteLine($"{method.File}: valid. {method.Name} = " + string.Join(" | ",
                method.Preprocessors.Concat(method.Blocks.Values).Select(s => s.Describe())));
            return 0;
        });
        return command;
    }
}
