using System.CommandLine;
using System.Globalization;
using System.Text;
using TorchSharp;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Cli;

/// <summary>`taxonomy embed MODEL [--data SOURCE] [--layer NAME] [--out FILE]`: the clustering features of data, for other tools.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var layer = new Option<string?>("--layer")
        {
            Description = "A branch output to write instead of the clustering features (e.g. embedding, reconstruction, probabilities).",
        };
        var output = new Option<string>("--out")
        {
            Description = "The file to write: .csv (a header, one row per sample) or .npy (NumPy, float32 [n, d]).",
            DefaultValueFactory = _ => "embedding.csv",
        };
        var command = new Command("embed", "Write the clustering features (or a branch output) of data under a trained model.") { layer, output };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            var file = parse.GetValue(output)!;
            var extension = Path.GetExtension(file).ToLowerInvariant();
            if (extension is not (".csv" or ".npy"))
            {
                throw new Manifest.ManifestException($"--out '{file}': write a .csv or a .npy file.");
            }
            if (Directory.Exists(file))
            {
                throw new Manifest.ManifestException($"--out '{file}' is a folder; give a file name ending in .csv or .npy.");
            }
            var (trained, data) = model.Load(parse);
            using var modelScope = trained;
            using var dataScope = data;
            using var features = StageException.During("embedding", () => trained.Embed(data, parse.GetValue(layer)));
            StageException.During($"writing '{file}'", () =>
            {
                if (extension == ".npy")
                {
                    Output.NpyFile.WriteFloat32(file, features);
                }
                else
                {
                    AtomicFile.Write(file, Csv(features));
                }
            });
            Console.WriteLine($"{trained.Method.Name}: wrote {features.shape[0]} × {features.shape[1]} " +
                              $"{parse.GetValue(layer) ?? "clustering features"} of {data.Name} to {file}");
            return 0;
        });
        return command;
    }

    /// <summary>"f0,…,f(d−1)" then one row per sample, each float written so that it reads back exactly.</summary>
    private static byte[] Csv(torch.Tensor features)
    {
        using var values = features.to(torch.float32).contiguous();
        var (n, d) = ((int)values.shape[0], (int)values.shape[1]);
        var data = values.data<float>();
        var csv = new StringBuilder(string.Join(",", Enumerable.Range(0, d).Select(j => $"f{j}"))).Append('\n');
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < d; j++)
            {
                csv.Append(j == 0 ? "" : ",").Append(data[i * d + j].ToString("R", CultureInfo.InvariantCulture));
            }
            csv.Append('\n');
        }
        return Encoding.UTF8.GetBytes(csv.ToString());
    }
}
