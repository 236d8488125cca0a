using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using Taxonomy.Abstractions.Training;
using Taxonomy.Host.Composition;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Models;

/// <summary>
/// A trained model on disk: a folder (a run writes it as <c>model/</c>) holding <c>model.json</c> (format, versions,
/// k, shapes, the effective manifest, and the length and SHA-256 of every other file), <c>branch.pt</c> with its
/// sidecar, <c>state.bin</c> (every persistent cluster-state slot) and <c>preprocessing.bin</c> (what each
/// preprocessor fitted). model.json is written last, so a folder without it is incomplete. Loading checks every file
/// against model.json before using any, and builds nothing from a file that does not match.
/// </summary>
public static class ModelBundle
{
    public const string Folder = "model";
    public const string Descriptor = "model.json";
    public const string Format = "taxonomy-model";

    /// <summary>The model format this build writes and reads; a change of layout raises it.</summary>
    public const int FormatVersion = 1;

    private const string StateFile = "state.bin";
    private const string PreprocessingFile = "preprocessing.bin";
    private const string BranchFile = "branch.pt";
    private static readonly byte[] s_stateMagic = "TXST"u8.ToArray();
    private static readonly byte[] s_preprocessingMagic = "TXPP"u8.ToArray();

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="model"/> into <paramref name="directory"/> (created; files in it are replaced).</summary>
    public static void Save(TrainedModel model, string directory)
    {
        Directory.CreateDirectory(directory);
        var descriptor = Path.Combine(directory, Descriptor);
        File.Delete(descriptor);   // until the new one is written last, the folder reads as incomplete
        BranchWeights.Save(model.Pipeline.Branch.Module, Path.Combine(directory, BranchFile));
        var stateNames = WriteState(model, Path.Combine(directory, StateFile));
        WritePreprocessing(model.Pipeline, Path.Combine(directory, PreprocessingFile));
        var facts = model.Facts;
        var json = new JsonObject
        {
            ["format"] = Format,
            ["formatVersion"] = FormatVersion,
            ["method"] = model.Method.Name,
            ["k"] = model.State.Clusters,
            ["kEstimated"] = model.Facts.EstimatedClusters,
            ["result"] = facts.ResultKind,
            ["inputShape"] = Shape(facts.InputShape),
            ["sampleShape"] = Shape(facts.SampleShape),
            ["state"] = new JsonArray(stateNames.Select(n => (JsonNode)n).ToArray()),
            ["preprocessors"] = model.Pipeline.Preprocessors.Count,
            ["files"] = new JsonObject(new[] { BranchFile, WeightsSidecar.PathOf(BranchFile), StateFile, PreprocessingFile }
                .Select(name => KeyValuePair.Create(name, (JsonNode?)FileFacts(Path.Combine(directory, name))))),
            ["versions"] = new JsonObject(facts.Versions.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))),
            ["manifest"] = Portable(facts.EffectiveManifest, model.Method),
        };
        if (facts.EstimatedClusters is null)
        {
            json.Remove("kEstimated");   // only a method that estimates k has one
        }
        AtomicFile.Write(descriptor, Encoding.UTF8.GetBytes(json.ToJsonString(s_json)));
    }

    /// <summary>
    /// Reads a model: <paramref name="path"/> is a model folder, its model.json, or a run folder holding model/.
    /// <paramref name="plugins"/> are folders of plugin blocks the model's manifest names (the folders recorded at
    /// training are tried too). Throws <see cref="ModelException"/> naming the file and what does not match.
    /// </summary>
    public static TrainedModel Load(string path, IEnumerable<PluginFolder>? plugins = null)
    {
        var directory = Locate(path);
        var descriptorPath = Path.Combine(directory, Descriptor);
        var descriptor = ReadDescriptor(descriptorPath);
        foreach (var (name, facts) in descriptor.Files)
        {
            Verify(Path.Combine(directory, name), facts);
        }

        var document = ManifestDocument.Parse(descriptor.Manifest.ToJsonString(), descriptorPath);
        var folders = new[] { new PluginFolder(PluginHost.DefaultFolder, "plugins next to the program", Optional: true) }
            .Concat(plugins ?? []).Concat(Recorded(document)).ToList();
        var host = TaxonomyHost.Create(folders);
        Pipeline? pipeline = null;
        ClusterState? state = null;
        try
        {
            var method = Bound(host, document, descriptorPath);
            pipeline = Pipeline.Compose(method);
            torch.set_num_threads(method.Settings.Threads ?? Environment.ProcessorCount);
            try
            {
                pipeline.Branch.Build(descriptor.SampleShape, descriptor.Clusters);
                var weights = BranchWeights.Verify(Path.Combine(directory, BranchFile), requireChecksum: true);
                BranchWeights.CheckArchitecture(pipeline.Branch.Module, weights);
                BranchWeights.LoadVerified(pipeline.Branch.Module, weights);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or FileNotFoundException)
            {
                throw new ModelException($"{Path.Combine(directory, BranchFile)}: {e.Message}", e);
            }
            pipeline.Branch.Module.eval();
            ReadPreprocessing(pipeline, Path.Combine(directory, PreprocessingFile), descriptor.Preprocessors);
            state = new ClusterState(descriptor.Clusters);
            ReadState(pipeline, state, Path.Combine(directory, StateFile));
            var facts = new ModelFacts(descriptor.InputShape, descriptor.SampleShape, descriptor.Manifest, descriptor.Versions, descriptor.Result)
            {
                EstimatedClusters = descriptor.EstimatedClusters,
            };
            return new TrainedModel(method, pipeline, state, facts, folders, host);
        }
        catch
        {
            state?.Dispose();
            pipeline?.Dispose();
            host.Dispose();
            throw;
        }
    }

    /// <summary>The model folder <paramref name="path"/> names.</summary>
    private static string Locate(string path)
    {
        if (File.Exists(path) && Path.GetFileName(path) == Descriptor)
        {
            return Path.GetDirectoryName(Path.GetFullPath(path))!;
        }
        if (Directory.Exists(Path.Combine(path, Folder)) && !File.Exists(Path.Combine(path, Descriptor)))
        {
            path = Path.Combine(path, Folder);
        }
        if (!Directory.Exists(path))
        {
            throw new ModelException(File.Exists(path)
                ? $"{path}: not a model; give a model folder (a run's model/ folder, or the run folder itself)."
                : $"{path}: model not found.");
        }
        if (!File.Exists(Path.Combine(path, Descriptor)))
        {
            throw new ModelException($"{path}: no {Descriptor}: not a model folder, or one whose saving did not finish.");
        }
        return path;
    }

    private sealed record FileFactsRecord(long Length, string Sha256);

    /// <param name="Clusters">The k the method was built and trained with (an estimating method's start).</param>
    /// <param name="EstimatedClusters">The k an estimating method found, or null.</param>
    private sealed record DescriptorRecord(int Clusters, int? EstimatedClusters, long[] InputShape, long[] SampleShape, int Preprocessors,
        string Result, JsonObject Manifest, IReadOnlyDictionary<string, string> Versions, IReadOnlyList<(string Name, FileFactsRecord Facts)> Files);

    private static DescriptorRecord ReadDescriptor(string path)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ModelException($"{path}: not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')}); the file is damaged.", e);
        }
        string Text(string field) => json[field] is JsonValue v && v.TryGetValue(out string? s) ? s : throw Missing(field);
        int Whole(string field) => json[field] is JsonValue v && v.TryGetValue(out int i) ? i : throw Missing(field);
        ModelException Missing(string field) => new($"{path}: field '{field}' is missing or has the wrong type; the file is damaged.");

        if (json["format"]?.GetValueKind() != JsonValueKind.String || Text("format") != Format)
        {
            throw new ModelException($"{path}: not a taxonomy model (its \"format\" is not \"{Format}\").");
        }
        var version = Whole("formatVersion");
        if (version != FormatVersion)
        {
            var writer = (json["versions"] as JsonObject)?["taxonomy"]?.ToString() ?? "an unknown version";
            throw new ModelException(
                $"{path}: model format {version}, written by taxonomy {writer}; this taxonomy ({ProductVersions.Taxonomy}) reads format {FormatVersion}. Train the model again with this version.");
        }
        long[] ShapeOf(string field) => json[field] is JsonArray a && a.All(x => x is JsonValue v && v.TryGetValue(out long l) && l > 0)
            ? a.Select(x => x!.GetValue<long>()).ToArray() : throw Missing(field);
        var files = json["files"] as JsonObject ?? throw Missing("files");
        var listed = files.Select(f => (f.Key, f.Value is JsonObject o && o["length"] is JsonValue l && l.TryGetValue(out long length) &&
                                                o["sha256"] is JsonValue h && h.TryGetValue(out string? hash)
            ? new FileFactsRecord(length, hash!) : throw Missing($"files.{f.Key}"))).ToList();
        foreach (var required in new[] { BranchFile, StateFile, PreprocessingFile })
        {
            if (listed.All(f => f.Key != required))
            {
                throw Missing($"files.{required}");
            }
        }
        if (listed.Any(f => f.Key.Contains('/') || f.Key.Contains('\\') || f.Key.StartsWith('.')))
        {
            throw new ModelException($"{path}: files lists a path outside the model folder; the file is damaged.");
        }
        var versions = (json["versions"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "") ?? [];
        var k = Whole("k");
        if (k < 1)
        {
            throw Missing("k");
        }
        int? estimated = json["kEstimated"] is null ? null : Whole("kEstimated");
        if (estimated < 1)
        {
            throw Missing("kEstimated");
        }
        return new DescriptorRecord(k, estimated, ShapeOf("inputShape"), ShapeOf("sampleShape"), Whole("preprocessors"), Text("result"),
            json["manifest"] as JsonObject ?? throw Missing("manifest"), versions, listed);
    }

    private static JsonObject FileFacts(string path)
    {
        using var stream = File.OpenRead(path);
        return new JsonObject { ["length"] = stream.Length, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(stream)) };
    }

    /// <summary>A file of the model must have the length and SHA-256 model.json gives.</summary>
    private static void Verify(string path, FileFactsRecord expected)
    {
        if (!File.Exists(path))
        {
            throw new ModelException($"{path}: missing; the model folder is incomplete.");
        }
        using var stream = File.OpenRead(path);
        if (stream.Length != expected.Length)
        {
            throw new ModelException(
                $"{path}: {stream.Length:N0} bytes, but {Descriptor} says {expected.Length:N0}; the file is truncated or was changed.");
        }
        if (Convert.ToHexStringLower(SHA256.HashData(stream)) != expected.Sha256)
        {
            throw new ModelException($"{path}: its SHA-256 differs from the one {Descriptor} records; the file was changed or damaged.");
        }
    }

    /// <summary>The manifest as saved: plugin folders made absolute, so the model can be read from anywhere.</summary>
    internal static JsonObject Portable(JsonObject effective, MethodDefinition method)
    {
        var json = (JsonObject)effective.DeepClone();
        if (method.Settings.Plugins is { Count: > 0 } folders)
        {
            var baseDirectory = method.Directory ?? Environment.CurrentDirectory;
            json["plugins"] = new JsonArray(folders.Select(f => (JsonNode)Path.GetFullPath(f, baseDirectory)).ToArray());
        }
        return json;
    }

    /// <summary>The plugin folders recorded at training, where they still exist (the --plugins folders come first).</summary>
    private static IEnumerable<PluginFolder> Recorded(ManifestDocument document) =>
        document.PluginFolders().Select(f => f with { Optional = true });

    private static MethodDefinition Bound(IServiceProvider host, ManifestDocument document, string path)
    {
        try
        {
            return Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<ManifestLoader>(host).Load(document);
        }
        catch (ManifestException e)
        {
            throw new ModelException($"{path}: its manifest does not load here ({e.Message.TrimEnd('.')}); pass the plugins it needs with --plugins.", e);
        }
    }

    private static JsonArray Shape(long[] shape) => new(shape.Select(s => (JsonNode)s).ToArray());

    /// <summary>Every persistent slot that is set, by name; a slot no block declares cannot be read back, so it is an error.</summary>
    private static List<string> WriteState(TrainedModel model, string path)
    {
        var declared = model.Pipeline.StateKeys;
        var entries = model.State.Entries.Where(e => e.Key.Persistent).OrderBy(e => e.Key.Name, StringComparer.Ordinal).ToList();
        foreach (var (key, _) in entries.Where(e => !declared.Contains(e.Key)))
        {
            throw new TrainingException(
                $"the cluster state holds '{key.Name}', which no block of the method declares in Provides or Requires; it could not be read back from a model.");
        }
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(s_stateMagic);
            writer.Write(entries.Count);
            foreach (var (key, value) in entries)
            {
                writer.Write(key.Name);
                using var payload = new MemoryStream();
                using (var payloadWriter = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
                {
                    key.Write(payloadWriter, value);
                }
                writer.Write(payload.Length);
                writer.Write(payload.GetBuffer(), 0, (int)payload.Length);
            }
        }
        AtomicFile.Write(path, buffer.ToArray());
        return entries.Select(e => e.Key.Name).ToList();
    }

    private static void ReadState(Pipeline pipeline, ClusterState state, string path)
    {
        var keys = pipeline.StateKeys.ToDictionary(k => k.Name, StringComparer.Ordinal);
        Read(path, s_stateMagic, reader =>
        {
            var count = TensorFormat.ReadCount(reader, 1);
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var length = reader.ReadInt64();
                if (!keys.TryGetValue(name, out var key) || !key.Persistent)
                {
                    throw new InvalidDataException($"it holds state '{name}', which no block of this method keeps in a model");
                }
                var start = reader.BaseStream.Position;
                object value;
                try
                {
                    value = key.Read(reader);
                }
                catch (EndOfStreamException)
                {
                    throw new InvalidDataException($"state '{name}' is cut short");
                }
                if (reader.BaseStream.Position - start != length)
                {
                    (value as IDisposable)?.Dispose();
                    throw new InvalidDataException($"state '{name}' is not the {length} bytes it should be");
                }
                state.Restore(key, value);
            }
            return 0;
        });
    }

    private static void WritePreprocessing(Pipeline pipeline, string path)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(s_preprocessingMagic);
            writer.Write(pipeline.Preprocessors.Count);
            foreach (var preprocessor in pipeline.Preprocessors)
            {
                var fitted = preprocessor.Fitted.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
                writer.Write(fitted.Count);
                foreach (var (name, tensor) in fitted)
                {
                    writer.Write(name);
                    TensorFormat.Write(writer, tensor);
                }
            }
        }
        AtomicFile.Write(path, buffer.ToArray());
    }

    private static void ReadPreprocessing(Pipeline pipeline, string path, int expected)
    {
        Read(path, s_preprocessingMagic, reader =>
        {
            var count = reader.ReadInt32();
            if (count != expected || count != pipeline.Preprocessors.Count)
            {
                throw new InvalidDataException($"it holds {count} preprocessors, the manifest has {pipeline.Preprocessors.Count}");
            }
            foreach (var preprocessor in pipeline.Preprocessors)
            {
                var fitted = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
                try
                {
                    var tensors = TensorFormat.ReadCount(reader, 1);
                    for (var i = 0; i < tensors; i++)
                    {
                        var name = reader.ReadString();
                        fitted.Add(name, TensorFormat.Read(reader));
                    }
                    preprocessor.Restore(fitted);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{pipeline.Describe(preprocessor)}: {e.Message}", e);
                }
                finally
                {
                    foreach (var tensor in fitted.Values)
                    {
                        tensor.Dispose();
                    }
                }
            }
            return 0;
        });
    }

    /// <summary>Reads a model file whose first bytes are <paramref name="magic"/>, to its last byte.</summary>
    private static void Read(string path, byte[] magic, Func<BinaryReader, int> body)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (!reader.ReadBytes(magic.Length).SequenceEqual(magic))
            {
                throw new InvalidDataException("it does not start like a taxonomy model file");
            }
            body(reader);
            if (stream.Position != stream.Length)
            {
                throw new InvalidDataException($"{stream.Length - stream.Position} bytes follow its end");
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException or FormatException)
        {
            throw new ModelException($"{path}: {(e is EndOfStreamException ? "cut short" : e.Message)}; the model does not fit this method.", e);
        }
    }
}
