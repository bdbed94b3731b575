namespace PortWarden.Cli.Configuration;

/// <summary>A setting whose value is never printed: not by --check-config, not in an error message.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SecretAttribute : Attribute;
