using System.Net;
using PortWarden.Core.Targets;
using PortWarden.Scanning.Nmap;

namespace PortWarden.Scanning.Tests;

/// <summary>Reading the targets an nmap command line (&lt;nmaprun args&gt;) names, and the hosts an imported scan therefore covered.</summary>
public sealed class NmapCommandLineTests
{
    [Theory]
    [InlineData("nmap -sT -n -Pn -p 1-1000 -oX /tmp/a.xml 10.0.0.0/30 gw.example", "10.0.0.0/30 gw.example", true)]
    [InlineData("nmap -oX - --no-stylesheet -v -n --stats-every 1000ms -sT -p T:22 --exclude 10.0.0.2 -- 10.0.0.0/30 10.0.1.1", "10.0.0.0/30 10.0.1.1", true)]
    [InlineData("nmap -Pn 10.0.0.1 -p 22", "10.0.0.1", true)]
    [InlineData("nmap -T 4 --max-rate=100 10.0.0.1", "10.0.0.1", true)]
    [InlineData("nmap -T4 -sV -O -PS -PE -iL ndiff-random-hosts -oA scan", "", false)]
    [InlineData("nmap -iR 100 -p 80", "", false)]
    [InlineData("nmap --excludefile skip.txt 10.0.0.0/24", "10.0.0.0/24", false)]
    [InlineData("nmap -p 22", "", false)]
    public void The_targets_are_the_words_that_are_not_options_or_their_values(string arguments, string targets, bool complete)
    {
        var line = NmapCommandLine.Parse(arguments);

        Assert.Equal((targets, complete), (string.Join(' ', line.Targets.Entries.Select(entry => entry.Token)), line.NamesAllTargets));
    }

    [Fact]
    public void Coverage_is_every_address_once_less_exclusions_and_no_host_name_is_resolved()
    {
        var line = NmapCommandLine.Parse("nmap -p 22 --exclude 10.0.0.2 10.0.0.0/30 10.0.0.1-4 scanme.example");

        var covered = NmapHostCoverage.Of(line.Targets, line.Excluded, "test").Enumerate().Select(target => target.Address.ToString());

        Assert.Equal(["10.0.0.0", "10.0.0.1", "10.0.0.3", "10.0.0.4"], covered);
    }

    [Fact]
    public void A_huge_range_is_enumerated_lazily()
    {
        var coverage = NmapHostCoverage.Of(TargetSpec.Parse("10.0.0.0/8 ::/64"), TargetSpec.Empty, "test");

        Assert.Equal(IPAddress.Parse("10.0.3.231"), coverage.Enumerate().Skip(999).First().Address);
    }
}
