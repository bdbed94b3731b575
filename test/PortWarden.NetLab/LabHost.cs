using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PortWarden.NetLab;

/// <summary>
/// One lab host: a network namespace reached from this machine through a veth pair. Its link uses
/// 198.18.N.0/24 (this machine is .1) and its hosts live in 198.19.N.0/24 (and fd70:7077:1:N::/64), routed
/// onto the link, so the whole /24 can be scanned as a "network". Extra source addresses of this machine
/// (<see cref="AddSourceAddressesAsync"/>) come from 198.18.(N+128).0/24, which the namespace routes back over
/// the link, and from fd70:7077:0:N::1:0/112 on the link itself. N is the slot, 0-127. Addresses come from
/// 198.18.0.0/15, the block reserved for network benchmarks, so they never clash with a real network.
/// </summary>
public sealed class LabHost : IAsyncDisposable
{
    private readonly LabSlot slot;
    private readonly LabHostOptions options;
    private readonly List<LabListener> listeners = [];
    private readonly List<LabUdpResponder> responders = [];
    private readonly List<IPAddress> sourcesV4 = [];
    private readonly List<IPAddress> sourcesV6 = [];
    private readonly List<string> firewallRules = [];
    private int lossPercent;
    private bool disposed;

    private LabHost(LabSlot slot, LabHostOptions options)
    {
        this.slot = slot;
        this.options = options;
        lossPercent = options.LossPercent;
        Addresses = options.LiveHosts.Select(AddressAt).ToList();
        SilentAddresses = options.SilentHosts.Select(AddressAt).ToList();
        AddressV6 = options.WithIPv6 ? IPAddress.Parse($"fd70:7077:1:{slot.Number:x}::{options.LiveHosts[0]:x}") : null;
    }

    public string Namespace => slot.Namespace;

    /// <summary>This machine's address on the lab link.</summary>
    public IPAddress Gateway => IPAddress.Parse($"198.18.{slot.Number}.1");

    /// <summary>The addresses that answer; the first is <see cref="Address"/>.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    public IPAddress Address => Addresses[0];

    public IReadOnlyList<IPAddress> SilentAddresses { get; }

    public IPAddress? AddressV6 { get; }

    /// <summary>The address with last octet <paramref name="lastOctet"/> in this host's /24 (it may not exist).</summary>
    public IPAddress AddressAt(int lastOctet) => IPAddress.Parse($"198.19.{slot.Number}.{lastOctet}");

    /// <summary>A target spec for the addresses from <paramref name="first"/> to <paramref name="last"/> (last octets).</summary>
    public string Range(int first, int last) => $"198.19.{slot.Number}.{first}-{last}";

    internal static async Task<LabHost> CreateAsync(LabHostOptions options, CancellationToken cancellationToken)
    {
        if (options.LiveHosts.Count == 0)
        {
            throw new ArgumentException("a lab host needs at least one live address", nameof(options));
        }

        var slot = await LabSlot.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var host = new LabHost(slot, options);
        try
        {
            await host.BuildAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens a TCP listener inside the namespace; on all addresses unless <paramref name="address"/> is given.</summary>
    public LabListener Listen(int port, IPAddress? address = null)
    {
        var listener = NamespaceThread.Run(Namespace, () => LabListener.Open(address ?? IPAddress.Any, port));
        lock (listeners)
        {
            listeners.Add(listener);
        }

        return listener;
    }

    /// <summary>
    /// Opens UDP sockets inside the namespace that answer each datagram with <paramref name="answer"/>'s result, or
    /// never answer when <paramref name="answer"/> is null or returns null; on every live address (IPv4 and IPv6)
    /// unless <paramref name="address"/> is given.
    /// </summary>
    public LabUdpResponder ListenUdp(int port, Func<byte[], byte[]?>? answer = null, IPAddress? address = null)
    {
        IPAddress[] addresses = address is not null ? [address] : [.. Addresses, .. AddressV6 is null ? Array.Empty<IPAddress>() : [AddressV6]];
        var responder = NamespaceThread.Run(Namespace, () => LabUdpResponder.Open(addresses, port, answer));
        lock (listeners)
        {
            responders.Add(responder);
        }

        return responder;
    }

    /// <summary>
    /// Makes sure this machine has <paramref name="count"/> (1-256) extra addresses on the lab link that the namespace
    /// routes back to, and returns them in ascending order: 198.18.(N+128).0 upwards, or, for IPv6 (needs
    /// <see cref="LabHostOptions.WithIPv6"/>), fd70:7077:0:N::1:0 upwards. Probes sent from them reach the host and
    /// its answers come back, each address being a separate source for the host's ICMP rate limits.
    /// </summary>
    public async Task<IReadOnlyList<IPAddress>> AddSourceAddressesAsync(int count, AddressFamily family = AddressFamily.InterNetwork, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 256);
        var v6 = family == AddressFamily.InterNetworkV6;
        if (v6 && AddressV6 is null)
        {
            throw new InvalidOperationException("IPv6 source addresses need a lab host created WithIPv6");
        }

        var sources = v6 ? sourcesV6 : sourcesV4;
        var n = slot.Number;
        var batch = new StringBuilder();
        for (var i = sources.Count; i < count; i++)
        {
            var address = v6 ? IPAddress.Parse($"fd70:7077:0:{n:x}::1:{i:x}") : IPAddress.Parse($"198.18.{slot.SourceBlock}.{i}");
            batch.AppendLine(v6 ? $"addr add {address}/128 dev {slot.HostInterface} nodad" : $"addr add {address}/32 dev {slot.HostInterface}");
            sources.Add(address);
        }

        if (batch.Length > 0)
        {
            await Command.RunAsync("ip", ["-batch", "-"], batch.ToString(), cancellationToken).ConfigureAwait(false);
        }

        return sources.Take(count).ToList();
    }

    /// <summary>Runs <paramref name="action"/> on a thread inside the namespace (e.g. to open a UDP socket there).</summary>
    public T RunInside<T>(Func<T> action) => NamespaceThread.Run(Namespace, action);

    /// <summary>Replaces the host's own firewall rules (nft syntax, input hook), e.g. "tcp dport 81 drop".</summary>
    public Task SetFirewallAsync(params string[] inputRules)
    {
        firewallRules.Clear();
        firewallRules.AddRange(inputRules);
        return ApplyFirewallAsync(CancellationToken.None);
    }

    /// <summary>Sets the percentage of packets dropped at random in each direction.</summary>
    public Task SetLossAsync(int percent)
    {
        lossPercent = percent;
        return ApplyFirewallAsync(CancellationToken.None);
    }

    /// <summary>Runs a program inside the namespace and returns its output.</summary>
    public Task<string> ExecAsync(params string[] command) => Command.RunAsync("ip", ["netns", "exec", Namespace, .. command], null, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        LabListener[] open;
        LabUdpResponder[] udp;
        lock (listeners)
        {
            open = [.. listeners];
            listeners.Clear();
            udp = [.. responders];
            responders.Clear();
        }

        foreach (var listener in open)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var responder in udp)
        {
            await responder.DisposeAsync().ConfigureAwait(false);
        }

        await slot.RemoveLeftoversAsync(CancellationToken.None).ConfigureAwait(false);
        slot.Dispose();
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        var n = slot.Number;
        var hostSide = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"netns add {Namespace}")
            .AppendLine(CultureInfo.InvariantCulture, $"link add {slot.HostInterface} type veth peer name {slot.LabInterface} netns {Namespace}")
            .AppendLine(CultureInfo.InvariantCulture, $"addr add 198.18.{n}.1/24 dev {slot.HostInterface}")
            .AppendLine(CultureInfo.InvariantCulture, $"link set {slot.HostInterface} up")
            .AppendLine(CultureInfo.InvariantCulture, $"route add 198.19.{n}.0/24 dev {slot.HostInterface}");
        if (options.WithIPv6)
        {
            hostSide
                .AppendLine(CultureInfo.InvariantCulture, $"addr add fd70:7077:0:{n:x}::1/64 dev {slot.HostInterface} nodad")
                .AppendLine(CultureInfo.InvariantCulture, $"route add fd70:7077:1:{n:x}::/64 dev {slot.HostInterface}");
        }

        await Command.RunAsync("ip", ["-batch", "-"], hostSide.ToString(), cancellationToken).ConfigureAwait(false);

        var labSide = new StringBuilder()
            .AppendLine("link set lo up")
            .AppendLine(CultureInfo.InvariantCulture, $"link set {slot.LabInterface} up")
            .AppendLine(CultureInfo.InvariantCulture, $"addr add 198.18.{n}.2/24 dev {slot.LabInterface}")
            .AppendLine(CultureInfo.InvariantCulture, $"route add 198.18.{slot.SourceBlock}.0/24 via 198.18.{n}.1 dev {slot.LabInterface}");
        foreach (var address in Addresses.Concat(SilentAddresses))
        {
            labSide.AppendLine(CultureInfo.InvariantCulture, $"addr add {address}/32 dev {slot.LabInterface}");
        }

        if (AddressV6 is not null)
        {
            labSide
                .AppendLine(CultureInfo.InvariantCulture, $"addr add fd70:7077:0:{n:x}::2/64 dev {slot.LabInterface} nodad")
                .AppendLine(CultureInfo.InvariantCulture, $"addr add {AddressV6}/128 dev {slot.LabInterface} nodad");
        }

        await Command.RunAsync("ip", ["-n", Namespace, "-batch", "-"], labSide.ToString(), cancellationToken).ConfigureAwait(false);
        await ApplyFirewallAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyFirewallAsync(CancellationToken cancellationToken)
    {
        var loss = lossPercent > 0 ? $"numgen random mod 100 < {lossPercent} drop" : null;

        // Neighbour discovery is spared from loss: a LAN's loss hits traffic, and IPv6 must stay reachable.
        const string KeepNeighbours = "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept";
        var input = new List<string> { KeepNeighbours };
        input.AddRange(loss is null ? [] : [loss]);
        if (SilentAddresses.Count > 0)
        {
            input.Add($"ip daddr {{ {string.Join(", ", SilentAddresses)} }} drop");
        }

        input.AddRange(firewallRules);
        var output = new List<string> { KeepNeighbours };
        output.AddRange(loss is null ? [] : [loss]);

        var ruleset = new StringBuilder()
            .AppendLine("table inet pwlab")
            .AppendLine("delete table inet pwlab")
            .AppendLine("table inet pwlab {")
            .AppendLine("  chain input {")
            .AppendLine("    type filter hook input priority 0; policy accept;");
        input.ForEach(rule => ruleset.AppendLine(CultureInfo.InvariantCulture, $"    {rule}"));
        ruleset.AppendLine("  }")
            .AppendLine("  chain output {")
            .AppendLine("    type filter hook output priority 0; policy accept;");
        output.ForEach(rule => ruleset.AppendLine(CultureInfo.InvariantCulture, $"    {rule}"));
        ruleset.AppendLine("  }").AppendLine("}");
        await Command.RunAsync("ip", ["netns", "exec", Namespace, "nft", "-f", "-"], ruleset.ToString(), cancellationToken).ConfigureAwait(false);
    }
}
