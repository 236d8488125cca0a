using System.CommandLine;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Models;
using Taxonomy.Host.Plugins;

namespace Taxonomy.Host.Cli;

/// <summary>What `predict` and `embed` share: the model argument, --data, --set data.* and --plugins.</summary>
internal sealed class ModelOptions
{
    private readonly Argument<string> _model = new("model") { Description = "A trained model: a run's folder, its model/ folder, or model.json." };

    private readonly Option<string?> _data = new("--data")
    {
        Description = "The data to assign: a built-in set, a CSV file or a folder of IDX files, with samples shaped like the " +
                      "training data's, read with default options (add some with --set data.F=V); default: the training data as the model read it.",
    };

    private readonly Option<string[]> _set = new("--set")
    {
        Description = "Set a data field for reading --data, as in a manifest: --set data.labels=false (repeatable).",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly PluginsOption _plugins = new();

    public void AddTo(Command command)
    {
        command.Arguments.Add(_model);
        command.Options.Add(_data);
        command.Options.Add(_set);
        _plugins.AddTo(command);
    }

    /// <summary>The model, and the data read as the options say; the caller disposes both.</summary>
    public (TrainedModel Model, Abstractions.Data.Dataset Data) Load(ParseResult parse)
    {
        var model = ModelBundle.Load(parse.GetValue(_model)!,
            _plugins.Folders(parse).Select(folder => new PluginFolder(folder, "--plugins")));
        try
        {
            var (options, baseDirectory) = model.DataOptions(parse.GetValue(_data),
                (parse.GetValue(_set) ?? []).Select(FieldAssignment.Parse).ToList());
            return (model, model.ReadData(options, baseDirectory, Console.Out));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
