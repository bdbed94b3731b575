namespace PortWarden.Scanning.Tests;

/// <summary>Tests that build network-namespace hosts run one at a time: their timing should not depend on each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetworkLabTests
{
    public const string Name = "network lab";
}
