using System.Reflection;

namespace PortWarden.Alerts.Formats;

/// <summary>How PortWarden names itself in SIEM formats (vendor, product, version).</summary>
public static class Product
{
    public const string Vendor = "PortWarden";
    public const string Name = "PortWarden";

    /// <summary>The version of the portwarden program (hub or command line) when it is the one running, else of this library.</summary>
    public static string Version { get; } =
        ((Assembly.GetEntryAssembly() is { } entry && entry.GetName().Name == "portwarden" ? entry : typeof(Product).Assembly)
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]) ?? "0.0.0";
}
