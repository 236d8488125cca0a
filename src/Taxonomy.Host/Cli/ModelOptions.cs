using System.CommandLine;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Models;
using Taxonomy.Host.Plugins;

namespace Taxonomy.Host.Cli;

/// <summary>What `predict`, `embed` and `plot` share: the model argument, --data, --set data.* and --plugins.</summary>
/// <param name="name">The argument's name in help and errors (`plot` reads a run folder, the others any model).</param>
internal sealed class ModelOptions(string name = "model", string description = "A trained model: a run's folder, its model/ folder, or model.json.")
{
    private readonly Argument<string> _model = new(name) { Description = description };

    /// <summary>The model argument as given.</summary>
    public string Path(ParseResult parse) => parse.GetValue(_model)!;

    /// <summary>True when --data names other data than the training data.</summary>
    public bool OtherData(ParseResult parse) => parse.GetValue(_data) is not null;

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
