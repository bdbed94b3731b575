using System.Xml.Linq;

namespace PortWarden.Cli.Tests;

/// <summary>The real nmap XML files in NmapSamples/ (see its README), and an independent reading of them to check results against.</summary>
internal static class NmapSamples
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "NmapSamples", name);

    /// <summary>Each listed host's IP address with its open ports ("tcp/80"), read with LINQ to XML rather than the product's parser.</summary>
    public static Dictionary<string, List<string>> OpenPortsByHost(string name) => XDocument.Load(PathOf(name)).Root!.Elements("host").ToDictionary(
        host => host.Elements("address").First(a => (string?)a.Attribute("addrtype") is "ipv4" or "ipv6").Attribute("addr")!.Value,
        host => host.Descendants("port")
            .Where(port => (string?)port.Element("state")?.Attribute("state") == "open")
            .Select(port => $"{port.Attribute("protocol")!.Value}/{port.Attribute("portid")!.Value}")
            .ToList());
}
