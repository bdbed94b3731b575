using System.Globalization;
using System.Xml.Linq;
using PortWarden.NetLab;

namespace PortWarden.Scanning.Tests;

/// <summary>Runs the real nmap and reads its XML: the reference the connect engine's answers are held to.</summary>
internal static class Nmap
{
    /// <summary>State of every port nmap reports for <paramref name="target"/>, as "port:state".</summary>
    public static async Task<IReadOnlyList<string>> ConnectScanAsync(string target, string ports, CancellationToken cancellationToken)
    {
        var xml = await Command.RunAsync("nmap", ["-sT", "-n", "-Pn", "-T4", "--max-retries", "6", "-p", ports, "-oX", "-", target], null, cancellationToken);
        return XDocument.Parse(xml).Descendants("port")
            .Select(port => $"{port.Attribute("portid")!.Value}:{port.Element("state")!.Attribute("state")!.Value}")
            .ToList();
    }

    /// <summary>nmap's XML for the given arguments (-oX - is added).</summary>
    public static Task<string> XmlAsync(CancellationToken cancellationToken, params string[] arguments) =>
        Command.RunAsync("nmap", [.. arguments, "-oX", "-"], null, cancellationToken);

    public static int Port(string entry) => int.Parse(entry.Split(':')[0], CultureInfo.InvariantCulture);
}
