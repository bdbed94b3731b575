using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace PortWarden.Cli;

/// <summary>
/// Makes every bad option value one clear line: a value that does not convert is named with what was expected,
/// a validator never crashes on such a value, and an unknown option is called unknown, with the closest valid one.
/// </summary>
internal static partial class OptionErrors
{
    /// <summary>
    /// Validators read their option's value, which throws when it did not convert; that value already has its
    /// conversion error, so such a validator has nothing to add.
    /// </summary>
    public static void GuardValidators(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in command.Options)
        {
            for (var i = 0; i < option.Validators.Count; i++)
            {
                var validate = option.Validators[i];
                option.Validators[i] = result =>
                {
                    try
                    {
                        validate(result);
                    }
                    catch (InvalidOperationException) when (result.Errors.Any() || !Converts(result))
                    {
                        // Reported by the conversion.
                    }
                };
            }
        }

        for (var i = 0; i < command.Validators.Count; i++)
        {
            var validate = command.Validators[i];
            command.Validators[i] = result =>
            {
                try
                {
                    validate(result);
                }
                catch (InvalidOperationException) when (command.Options.Any(option => result.GetResult(option) is OptionResult value && !Converts(value)))
                {
                    // An option's value did not convert (or is missing): its own error says so.
                }
            };
        }

        foreach (var child in command.Subcommands)
        {
            GuardValidators(child);
        }
    }

    /// <summary>The parse errors as the lines to print: conversion failures rephrased, unknown options named.</summary>
    public static IEnumerable<string> Describe(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        foreach (var unknown in UnknownOptions(parseResult))
        {
            yield return unknown;
        }

        // An unknown option and the value after it are said once, as above.
        var said = UnknownTokens(parseResult).SelectMany(i => new[] { i, i + 1 }).Where(i => i < parseResult.Tokens.Count)
            .Select(i => $"Unrecognized command or argument '{parseResult.Tokens[i].Value}'.").ToHashSet(StringComparer.Ordinal);
        foreach (var error in parseResult.Errors.Where(error => !said.Contains(error.Message)))
        {
            var match = ConversionError().Match(error.Message);
            yield return match.Success
                ? $"option '{match.Groups["option"].Value}': '{match.Groups["value"].Value}' is not {Expected(match.Groups["type"].Value)}"
                : error.Message;
        }
    }

    /// <summary>
    /// Words that look like long options but name none of the command's: a command that takes arguments (scan's
    /// targets) would otherwise read them as an argument and complain about a bad target.
    /// </summary>
    public static IReadOnlyList<string> UnknownOptions(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var command = parseResult.CommandResult.Command;
        var names = OptionsOf(parseResult.CommandResult).SelectMany(option => option.Aliases.Append(option.Name)).Distinct().ToList();
        return UnknownTokens(parseResult).Select(index =>
        {
            var name = parseResult.Tokens[index].Value.Split('=', 2)[0];
            var closest = names.MinBy(candidate => Distance(name, candidate));
            // A typo is a letter or two per word; "--port" is not a misspelt "--cert".
            return closest is not null && Distance(name, closest) <= Math.Max(1, (name.Length - 2) / 4)
                ? $"unknown option '{name}' for '{command.Name}': did you mean {closest}?"
                : $"unknown option '{name}' for '{command.Name}'";
        }).ToList();
    }

    private static IEnumerable<int> UnknownTokens(ParseResult parseResult)
    {
        // Values that an option took (--nmap-option=--max-rate=500) are that option's, not options of their own.
        var values = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as CommandResult)
        {
            values.UnionWith(result.Children.OfType<OptionResult>().SelectMany(option => option.Tokens));
        }

        for (var i = 0; i < parseResult.Tokens.Count; i++)
        {
            var token = parseResult.Tokens[i];
            if (token.Type == TokenType.DoubleDash)
            {
                yield break;
            }

            if (token.Type == TokenType.Argument && !values.Contains(token) && token.Value.StartsWith("--", StringComparison.Ordinal) && token.Value.Length > 2)
            {
                yield return i;
            }
        }
    }

    private static IEnumerable<Option> OptionsOf(CommandResult? result)
    {
        for (var current = result; current is not null; current = current.Parent as CommandResult)
        {
            foreach (var option in current.Command.Options.Where(option => current == result || option.Recursive))
            {
                yield return option;
            }
        }
    }

    private static bool Converts(OptionResult result)
    {
        try
        {
            _ = result.GetValueOrDefault<object?>();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Expected(string type) => type switch
    {
        _ when type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) => "a whole number",
        _ when type.Contains("Double", StringComparison.Ordinal) || type.Contains("Decimal", StringComparison.Ordinal) => "a number",
        _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ when type.Contains("TimeSpan", StringComparison.Ordinal) => "a duration",
        _ => "a valid value",
    };

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?$")]
    private static partial Regex ConversionError();
}
