using System.Runtime.InteropServices;
using Taxonomy.Host.Running;

namespace Taxonomy.Host.Cli;

/// <summary>The one line on stderr that any failure becomes: the product's own message, else the stage and the system's.</summary>
internal static class FailureReport
{
    public static string OneLine(Exception e) => "error: " + Flatten(e switch
    {
        StageException stage => $"while {stage.Stage}: {Unforeseen(stage.InnerException!)}",
        _ when StageException.Explains(e) => e.Message,
        _ => Unforeseen(e),
    });

    private static string Unforeseen(Exception e) => e switch
    {
        _ when AllocationFailure.Is(e) => AllocationFailure.Describe(e) +
                                          "; use less data (data.limit), a smaller branch or a smaller optimizer.batchSize",
        // The system's messages for these name the path and the reason ("Access to the path '…' is denied.").
        IOException or UnauthorizedAccessException => e.Message,
        // libtorch appends its C++ stack to the first line.
        ExternalException => $"libtorch: {FirstLine(e.Message)}",
        _ => $"{e.GetType().Name}: {FirstLine(e.Message)} (a fault of taxonomy or of a block; --verbose prints the stack trace)",
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>Messages quoting a file's text may hold line breaks; the report stays one line.</summary>
    private static string Flatten(string text) => string.Join(" ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
