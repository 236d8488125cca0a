using System.Text.Json;
using System.Text.Json.Nodes;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Output;
using Taxonomy.Host.Table1;

namespace Taxonomy.Host.Sweeps;

/// <summary>
/// A run as the sweep folder records it: the run, its method's name, its Table 1 block cells when it is a row, and why
/// the check refused it when it will not run (only Table 1 keeps going past a row it refuses).
/// </summary>
public sealed record PlannedRun(SweepRun Run, string Method, IReadOnlyList<string>? Row, string? Refused = null);

/// <summary>
/// The sweep folder: sweep.json (the expanded, validated runs, which `collect` reads), and per run its output folder
/// DIR/&lt;id&gt;/, its log DIR/&lt;id&gt;.log and, when it failed, its one-line reason in DIR/&lt;id&gt;.error.
/// </summary>
public sealed class SweepPlan
{
    public const string File = "sweep.json";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public required string Directory { get; init; }
    public required string Name { get; init; }
    public bool IsTable1 { get; init; }
    public required IReadOnlyList<PlannedRun> Runs { get; init; }

    public string RunFolder(SweepRun run) => Path.Combine(Directory, run.Id);
    public string LogFile(SweepRun run) => Path.Combine(Directory, run.Id + ".log");
    public string ErrorFile(SweepRun run) => Path.Combine(Directory, run.Id + ".error");

    public void Save()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var json = new JsonObject
        {
            ["name"] = Name,
            ["table1"] = IsTable1,
            ["runs"] = new JsonArray(Runs.Select(p => JsonSerializer.SerializeToNode(p, s_json)).ToArray()),
        };
        RunWriter.WriteAtomically(Path.Combine(Directory, File), json.ToJsonString(s_json));
        foreach (var refused in Runs.Where(p => p.Refused is not null))
        {
            RecordFailure(refused.Run, "error: " + refused.Refused);
        }
    }

    public static SweepPlan Read(string directory)
    {
        var file = Path.Combine(directory, File);
        if (!System.IO.File.Exists(file))
        {
            throw new ManifestException($"{directory}: not a sweep folder ({File} not found; `taxonomy sweep` writes it).");
        }
        try
        {
            var json = JsonNode.Parse(System.IO.File.ReadAllText(file))!.AsObject();
            return new SweepPlan
            {
                Directory = directory,
                Name = json["name"]!.GetValue<string>(),
                IsTable1 = json["table1"]?.GetValue<bool>() == true,
                Runs = json["runs"]!.Deserialize<List<PlannedRun>>(s_json)!,
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new ManifestException($"{file}: unreadable ({e.Message}); run `taxonomy sweep` again to rewrite it.", e);
        }
    }

    /// <summary>Where a run stands, read from its folder: complete, failed with its reason, or not (yet) run.</summary>
    public RunOutcome Outcome(SweepRun run)
    {
        var result = Path.Combine(RunFolder(run), RunWriter.ResultFile);
        if (System.IO.File.Exists(result))
        {
            try
            {
                // The run folder is swapped in whole (RunFolder.Commit), so a result.json that parses is a finished run.
                if (JsonNode.Parse(System.IO.File.ReadAllText(result)) is JsonObject json && json["totalSeconds"] is not null)
                {
                    return new RunOutcome(RunState.Complete, json, null);
                }
            }
            catch (JsonException)
            {
                // a damaged result counts as not run: it is run again
            }
        }
        var error = ErrorFile(run);
        return System.IO.File.Exists(error)
            ? new RunOutcome(RunState.Failed, null, System.IO.File.ReadAllText(error).Trim())
            : new RunOutcome(RunState.NotRun, null, null);
    }

    /// <summary>Records a failed run's one-line reason, or clears an old one once the run has succeeded.</summary>
    public void RecordFailure(SweepRun run, string? reason)
    {
        if (reason is null)
        {
            System.IO.File.Delete(ErrorFile(run));
        }
        else
        {
            RunWriter.WriteAtomically(ErrorFile(run), reason + "\n");
        }
    }
}

public enum RunState { NotRun, Complete, Failed }

/// <summary>A run's state; <see cref="Result"/> is its result.json when complete, <see cref="Reason"/> its error line when failed.</summary>
public sealed record RunOutcome(RunState State, JsonObject? Result, string? Reason);
