using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Taxonomy.Host.Cli;

/// <summary>
/// What is wrong with the command line, in one line that names the command, option or value and where help is
/// (System.CommandLine's own report is several lines of help, with .NET type names).
/// </summary>
internal static class CommandLineErrors
{
    public static string OneLine(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var help = $"see 'taxonomy{(command is RootCommand ? "" : " " + command.Name)} --help'";
        if (parse.UnmatchedTokens.Count > 0)
        {
            return $"{Unknown(command, parse.UnmatchedTokens[0])}; {help}.";
        }
        var error = parse.Errors[0];
        return (error.SymbolResult switch
        {
            OptionResult { Tokens.Count: 0 } option => $"{option.Option.Name}: the value is missing",
            ArgumentResult { Tokens.Count: 0 } argument => Missing(parse.CommandResult.Command, argument.Argument),
            OptionResult option when Unreadable(option, option.Option.ValueType) is { } token =>
                $"{option.Option.Name}: '{token}' is not {Expected(option.Option.ValueType)}",
            ArgumentResult argument when Unreadable(argument, argument.Argument.ValueType) is { } token =>
                $"{argument.Argument.Name}: '{token}' is not {Expected(argument.Argument.ValueType)}",
            CommandResult { Command: RootCommand root } => $"no command given; the commands are {Verbs(root)}",
            CommandResult result when result.Command.Arguments.FirstOrDefault(a => !a.HasDefaultValue && parse.GetResult(a) is null) is { } argument =>
                Missing(result.Command, argument),
            _ => error.Message.TrimEnd('.'),
        }) + $"; {help}.";
    }

    /// <summary>An unknown verb, option or extra argument, with the nearest known name when one is close.</summary>
    private static string Unknown(Command command, string token)
    {
        if (command is RootCommand root && !token.StartsWith('-'))
        {
            return $"unknown command '{token}'; the commands are {Verbs(root)}";
        }
        var kind = token.StartsWith('-') ? "option" : "argument";
        var names = token.StartsWith('-')
            ? command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        var nearest = names.Select(n => (Name: n, Distance: Distance(token, n))).Where(n => n.Distance <= 2)
            .OrderBy(n => n.Distance).Select(n => n.Name).FirstOrDefault();
        var where = command is RootCommand ? "" : $"{command.Name}: ";
        return $"{where}unknown {kind} '{token}'" + (nearest is null ? "" : $" (did you mean '{nearest}'?)");
    }

    private static string Verbs(RootCommand root) => string.Join(", ", root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));

    private static string Missing(Command command, Argument argument) =>
        $"{command.Name}: the argument <{argument.Name}> is missing" +
        (argument.Description is { Length: > 0 } description ? $" ({description.TrimEnd('.')})" : "");

    /// <summary>The first value given to a typed option or argument that does not read as its type; null when all do.</summary>
    private static string? Unreadable(SymbolResult result, Type type) =>
        result.Tokens.Select(t => t.Value).FirstOrDefault(value => !Reads(value, Element(type)));

    private static Type Element(Type type) =>
        Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);

    private static bool Reads(string value, Type type)
    {
        var culture = CultureInfo.InvariantCulture;
        return type switch
        {
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, culture, out _),
            _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, culture, out _),
            _ when type == typeof(double) => double.TryParse(value, NumberStyles.Float, culture, out _),
            _ when type == typeof(bool) => bool.TryParse(value, out _),
            _ when type.IsEnum => Enum.TryParse(type, value, ignoreCase: true, out _),
            _ => true,
        };
    }

    private static string Expected(Type type)
    {
        type = Element(type);
        return type switch
        {
            _ when type == typeof(int) => $"a whole number from {int.MinValue} to {int.MaxValue}",
            _ when type == typeof(long) => $"a whole number from {long.MinValue} to {long.MaxValue}",
            _ when type == typeof(double) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ => $"a {type.Name}",
        };
    }

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
