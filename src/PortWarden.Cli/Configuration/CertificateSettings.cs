using System.ComponentModel;

namespace PortWarden.Cli.Configuration;

/// <summary>The hub's HTTPS certificate: a PEM certificate with its PEM key, or a PFX file with its password.</summary>
internal sealed class CertificateSettings
{
    [Description("HTTPS certificate: a PEM file (with KeyPath) or a PFX file.")]
    [Flag("--cert")]
    public string? Path { get; set; }

    [Description("The PEM private key of the certificate.")]
    [Flag("--cert-key")]
    public string? KeyPath { get; set; }

    [Description("The password of a PFX certificate.")]
    [Flag("--cert-password")]
    [Secret]
    public string? Password { get; set; }
}
