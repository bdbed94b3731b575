using PortWarden.Core;
using PortWarden.Core.Targets;

namespace PortWarden.Scanning.Nmap;

/// <summary>
/// What an nmap command line (&lt;nmaprun args&gt;) says about its targets: the trailing target arguments, the
/// --exclude list, and whether that is the whole story (not with -iL, -iR or --excludefile, whose lists are
/// not in the file).
/// </summary>
public sealed record NmapCommandLine(TargetSpec Targets, TargetSpec Excluded, bool NamesAllTargets)
{
    private static readonly string[] ListOptions = ["-iL", "-iR", "--excludefile"];

    /// <summary>Reads <paramref name="arguments"/> ("nmap -sT -p 1-100 10.0.0.0/24 gw.example"); nothing is resolved.</summary>
    public static NmapCommandLine Parse(string? arguments)
    {
        if (arguments is null)
        {
            return new NmapCommandLine(TargetSpec.Empty, TargetSpec.Empty, false);
        }

        var tokens = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var targets = new List<string>();
        // Targets are the trailing words that are neither options nor an option's value.
        for (var i = tokens.Length - 1; i > 0 && !tokens[i].StartsWith('-') && !tokens[i - 1].StartsWith('-'); i--)
        {
            if (!TryParse(tokens[i], out _))
            {
                break;
            }

            targets.Insert(0, tokens[i]);
        }

        var excluded = TargetSpec.Empty;
        var excludeAt = Array.IndexOf(tokens, "--exclude");
        if (excludeAt >= 0 && excludeAt + 1 < tokens.Length && TryParse(tokens[excludeAt + 1], out var parsed))
        {
            excluded = parsed;
        }

        var listed = tokens.Any(token => ListOptions.Contains(token, StringComparer.Ordinal)) || (excludeAt >= 0 && excluded == TargetSpec.Empty);
        var spec = targets.Count == 0 ? TargetSpec.Empty : TargetSpec.Parse(string.Join(' ', targets));
        return new NmapCommandLine(spec, excluded, NamesAllTargets: !listed && targets.Count > 0);
    }

    private static bool TryParse(string text, out TargetSpec spec)
    {
        try
        {
            spec = TargetSpec.Parse(text);
            return true;
        }
        catch (SpecFormatException)
        {
            spec = TargetSpec.Empty;
            return false;
        }
    }
}
