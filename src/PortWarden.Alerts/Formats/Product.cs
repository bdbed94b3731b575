using System.Reflection;

namespace PortWarden.Alerts.Formats;

/// <summary>How PortWarden names itself in SIEM formats (vendor, product, version).</summary>
public static class Product
{
    public const string Vendor = "PortWarden";
    public const string Name = "PortWarden";

    public static string Version { get; } =
        typeof(Product).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
