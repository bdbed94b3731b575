using PortWarden.Core;
using PortWarden.Core.Targets;

namespace PortWarden.Scanning.Nmap;

/// <summary>
/// What an nmap command line (&lt;nmaprun args&gt;) says about its targets: the words that are neither options nor
/// an option's value (everything after "--"), the --exclude list, and whether that is the whole story (not with
/// -iL, -iR or --excludefile, whose lists are not in the file).
/// </summary>
public sealed record NmapCommandLine(TargetSpec Targets, TargetSpec Excluded, bool NamesAllTargets)
{
    private static readonly HashSet<string> ListOptions = new(["-iL", "-iR", "--excludefile"], StringComparer.Ordinal);

    // nmap's options that take their value as the next word (nmap(1)); others are flags or carry it attached (-T4, -PS22).
    private static readonly HashSet<string> ValueOptions = new(
    [
        "-p", "-T", "-e", "-S", "-D", "-g", "-b", "-sI", "-iL", "-iR", "-oN", "-oX", "-oS", "-oG", "-oA", "-oM", "-oH",
        "--exclude", "--excludefile", "--exclude-ports", "--source-port", "--data", "--data-string", "--data-length", "--ip-options",
        "--ttl", "--spoof-mac", "--mtu", "--proxies", "--dns-servers", "--max-retries", "--host-timeout", "--scan-delay",
        "--max-scan-delay", "--min-rate", "--max-rate", "--min-hostgroup", "--max-hostgroup", "--min-parallelism",
        "--max-parallelism", "--min-rtt-timeout", "--max-rtt-timeout", "--initial-rtt-timeout", "--version-intensity",
        "--script", "--script-args", "--script-args-file", "--script-timeout", "--script-help", "--datadir", "--servicedb",
        "--versiondb", "--stats-every", "--top-ports", "--port-ratio", "--resume", "--stylesheet", "--scanflags", "--max-os-tries",
    ], StringComparer.Ordinal);

    /// <summary>Reads <paramref name="arguments"/> ("nmap -sT -p 1-100 10.0.0.0/24 gw.example"); nothing is resolved.</summary>
    public static NmapCommandLine Parse(string? arguments)
    {
        if (arguments is null)
        {
            return new NmapCommandLine(TargetSpec.Empty, TargetSpec.Empty, false);
        }

        var tokens = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var targets = new List<string>();
        var excluded = new List<string>();
        var complete = true;
        for (var i = 1; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token == "--")
            {
                targets.AddRange(tokens.Skip(i + 1));
                break;
            }

            if (token.Length > 1 && token.StartsWith('-'))
            {
                var name = token.Split('=', 2)[0];
                complete &= !ListOptions.Contains(name);
                var value = token.Contains('=', StringComparison.Ordinal) ? token.Split('=', 2)[1]
                    : ValueOptions.Contains(name) && i + 1 < tokens.Length ? tokens[++i]
                    : null;
                if (name == "--exclude" && value is not null)
                {
                    excluded.Add(value);
                }

                continue;
            }

            targets.Add(token);
        }

        // A word that is no target (an option this reader does not know took it as its value) leaves the targets uncertain.
        var spec = TryParse(targets, out var parsed) ? parsed : TargetSpec.Empty;
        var exclusions = TryParse(excluded, out var parsedExclusions) ? parsedExclusions : TargetSpec.Empty;
        complete &= spec.Entries.Count > 0 && (excluded.Count == 0 || exclusions.Entries.Count > 0);
        return new NmapCommandLine(spec, exclusions, complete);
    }

    private static bool TryParse(List<string> words, out TargetSpec spec)
    {
        spec = TargetSpec.Empty;
        if (words.Count == 0)
        {
            return true;
        }

        try
        {
            spec = TargetSpec.Parse(string.Join(' ', words));
            return true;
        }
        catch (SpecFormatException)
        {
            return false;
        }
    }
}
