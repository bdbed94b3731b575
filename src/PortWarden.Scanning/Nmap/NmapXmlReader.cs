using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Xml;
using PortWarden.Core;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Nmap;

/// <summary>
/// Reads nmap's XML output (-oX) as it arrives and streams it as PortWarden records: each complete &lt;host&gt;
/// becomes its port observations followed by its <see cref="HostReport"/>. The run's metadata
/// (<see cref="Run"/>: command line, start time, scanned ports) is known before the first host.
/// <para>
/// Safe on hostile input: the document type declaration is skipped unread, so no entity is ever declared or
/// expanded (XXE and "billion laughs" fail at their first entity reference), and no external resource is
/// fetched. Output cut off by an interrupted scan keeps every complete host; the host being written is
/// undecided (no report) and <see cref="Truncated"/> is set. Anything else malformed is a
/// <see cref="ScanFileFormatException"/> naming line and position.
/// </para>
/// </summary>
public sealed partial class NmapXmlReader
{
    private readonly Stream stream;
    private readonly string source;
    private readonly List<string> warnings = [];
    private readonly List<NmapSkippedTarget> skippedTargets = [];
    private readonly StringPool pool = new();
    private readonly Dictionary<(string?, string?, string?), ServiceDetail> details = [];
    private bool started;
    private bool probedServices;
    private bool inHost;
    private int otherProtocolPorts;

    /// <param name="stream">The XML, read once, from where it is; not closed by the reader.</param>
    /// <param name="source">The file or program the XML comes from, for messages.</param>
    public NmapXmlReader(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        this.stream = stream;
        this.source = source;
    }

    /// <summary>Gives the name a host was given by, when nmap was handed addresses only.</summary>
    public Func<IPAddress, string?>? HostNameOf { get; init; }

    /// <summary>Called with the address of every complete &lt;host&gt;, decided or not.</summary>
    public Action<IPAddress>? HostListed { get; init; }

    /// <summary>Called with each progress report nmap writes (with --stats-every).</summary>
    public Action<NmapTaskProgress>? TaskProgress { get; init; }

    /// <summary>The run's metadata, from &lt;nmaprun&gt; and &lt;scaninfo&gt;; null until the root element has been read.</summary>
    public NmapRun? Run { get; private set; }

    /// <summary>How the run ended, from &lt;runstats&gt;; null when the output stops before it.</summary>
    public NmapRunEnd? End { get; private set; }

    /// <summary>The output was cut off: hosts after the last complete one were not decided.</summary>
    public bool Truncated { get; private set; }

    /// <summary>The line where the cut-off output ends, when <see cref="Truncated"/>.</summary>
    public long TruncatedAtLine { get; private set; }

    /// <summary>Hosts listed without a verdict (timed out, state unknown, cut off): no report was yielded for them.</summary>
    public int UndecidedHosts { get; private set; }

    /// <summary>True when the run identified services (-sV, -A, or a service found by probing).</summary>
    public bool IdentifiedServices => probedServices || (Run?.Arguments is { } arguments && VersionScanOption().IsMatch(arguments));

    /// <summary>Things read but not taken over, one sentence each (ports of other protocols, undecided hosts).</summary>
    public IReadOnlyList<string> Warnings => otherProtocolPorts == 0
        ? warnings
        : [.. warnings, $"{otherProtocolPorts} port(s) of other protocols (SCTP, IP) left out: PortWarden tracks TCP and UDP ports only"];

    /// <summary>Targets nmap skipped (&lt;target status="skipped"&gt;): they were not scanned.</summary>
    public IReadOnlyList<NmapSkippedTarget> SkippedTargets => skippedTargets;

    /// <summary>The records of every complete host, in the order nmap wrote them. Can be enumerated once.</summary>
    public async IAsyncEnumerable<ScanRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (started)
        {
            throw new InvalidOperationException("an nmap XML stream can be read only once");
        }

        started = true;
        var settings = new XmlReaderSettings
        {
            // Ignore, not Prohibit: nmap itself writes <!DOCTYPE nmaprun>. Ignored, the declaration is skipped
            // unread, so no entity exists and every entity reference fails as undeclared.
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            MaxCharactersFromEntities = 1,
            Async = true,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };
        // Disposing the tracker leaves the caller's stream open, as CloseInput = false does for the XML reader.
        using var input = new InputEndTracker(stream);
        using var xml = XmlReader.Create(input, settings);
        var lines = xml as IXmlLineInfo;
        if (!await StepAsync(input, () => ReadRootAsync(xml, lines)).ConfigureAwait(false))
        {
            yield break;
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<ScanRecord>? host = null;
            if (!await StepAsync(input, async () => (host = await NextHostAsync(xml, lines, cancellationToken).ConfigureAwait(false)) is not null).ConfigureAwait(false))
            {
                yield break;
            }

            foreach (var record in host!)
            {
                yield return record;
            }
        }
    }

    /// <summary>Runs one parsing step; false when the input ended (normally or cut off), errors become <see cref="ScanFileFormatException"/>.</summary>
    private async Task<bool> StepAsync(InputEndTracker input, Func<Task<bool>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (XmlException error) when (Run is not null && input.IsAtEnd(error.LineNumber, error.LinePosition))
        {
            Truncated = true;
            TruncatedAtLine = error.LineNumber;
            UndecidedHosts += inHost ? 1 : 0;
            warnings.Add($"the output ends at line {error.LineNumber} before the scan's end: it was cut off" +
                (inHost ? "; the host being written there is not decided" : ""));
            return false;
        }
        catch (XmlException error)
        {
            var reason = input.TotalBytes == 0 && input.ReachedEnd
                ? "the file is empty"
                : $"not well-formed XML: {WithoutPosition(error)}";
            if (Run is null && input.TotalBytes > 0)
            {
                reason += " (is this an nmap XML file?)";
            }

            throw new ScanFileFormatException(source, error.LineNumber, error.LinePosition, reason, error);
        }
        catch (System.Text.DecoderFallbackException error)
        {
            throw new ScanFileFormatException(source, 0, 0, $"not text in a known encoding: {error.Message}", error);
        }
    }

    private async Task<bool> ReadRootAsync(XmlReader xml, IXmlLineInfo? lines)
    {
        if (await xml.MoveToContentAsync().ConfigureAwait(false) != XmlNodeType.Element)
        {
            throw Error(lines, "no root element: not an nmap XML file");
        }

        if (xml.LocalName != "nmaprun")
        {
            throw Error(lines, $"the root element is <{xml.LocalName}>, not <nmaprun>: not an nmap XML file");
        }

        Run = new NmapRun(xml.GetAttribute("scanner") ?? "nmap", xml.GetAttribute("args"), UnixTime(xml.GetAttribute("start")), xml.GetAttribute("version"));
        return !xml.IsEmptyElement;
    }

    /// <summary>Reads up to the next complete host and returns its records; null at the end of the run.</summary>
    private async Task<IReadOnlyList<ScanRecord>?> NextHostAsync(XmlReader xml, IXmlLineInfo? lines, CancellationToken cancellationToken)
    {
        while (await xml.ReadAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (xml.NodeType == XmlNodeType.EndElement && xml.Depth == 0)
            {
                // </nmaprun>: whatever follows may only be comments or whitespace; the XML reader refuses anything else.
                while (await xml.ReadAsync().ConfigureAwait(false))
                {
                }

                return null;
            }

            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            switch (xml.Depth, xml.LocalName)
            {
                case (1, "host"):
                    if (await ReadHostAsync(xml, lines, cancellationToken).ConfigureAwait(false) is { } records)
                    {
                        return records;
                    }

                    break;
                case (1, "scaninfo"):
                    Run = Run! with
                    {
                        Scans = [.. Run.Scans, new NmapScanInfo(xml.GetAttribute("type") ?? "", xml.GetAttribute("protocol") ?? "", xml.GetAttribute("services") ?? "")],
                    };
                    break;
                case (1, "taskprogress"):
                    ReportProgress(xml);
                    break;
                case (1, "target"):
                    skippedTargets.Add(new NmapSkippedTarget(xml.GetAttribute("specification") ?? "", xml.GetAttribute("reason")));
                    warnings.Add($"nmap skipped target '{xml.GetAttribute("specification")}' ({xml.GetAttribute("status")}, {xml.GetAttribute("reason")})");
                    break;
                case (2, "finished"):
                    End = new NmapRunEnd(UnixTime(xml.GetAttribute("time")), xml.GetAttribute("exit"), xml.GetAttribute("errormsg"), xml.GetAttribute("summary"));
                    break;
            }
        }

        return null;
    }

    /// <summary>Reads one &lt;host&gt; element to its end; null when the host has no verdict (timed out, unknown state).</summary>
    private async Task<IReadOnlyList<ScanRecord>?> ReadHostAsync(XmlReader xml, IXmlLineInfo? lines, CancellationToken cancellationToken)
    {
        var host = new NmapHost(lines?.LineNumber ?? 0, lines?.LinePosition ?? 0) { TimedOut = xml.GetAttribute("timedout") == "true" };
        if (xml.IsEmptyElement)
        {
            throw Error(lines, "<host> without status or address");
        }

        inHost = true;
        PortBuilder? port = null;
        while (await xml.ReadAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (xml.NodeType == XmlNodeType.EndElement)
            {
                if (xml.Depth == 1)
                {
                    break;
                }

                if (xml.Depth == 3 && xml.LocalName == "port")
                {
                    port!.AddTo(host, this);
                    port = null;
                }

                continue;
            }

            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            switch (xml.Depth, xml.LocalName)
            {
                case (2, "status"):
                    host.Status = xml.GetAttribute("state");
                    host.StatusReason = pool.Share(xml.GetAttribute("reason"));
                    break;
                case (2, "address"):
                    ReadAddress(xml, lines, host);
                    break;
                case (3, "hostname"):
                    if (xml.GetAttribute("name") is { Length: > 0 } name)
                    {
                        host.AddHostName(name, xml.GetAttribute("type"));
                    }

                    break;
                case (3, "extraports"):
                    ReadExtraPorts(xml, lines, host);
                    break;
                case (3, "port"):
                    port = ReadPort(xml, lines);
                    if (xml.IsEmptyElement)
                    {
                        port.AddTo(host, this);
                        port = null;
                    }

                    break;
                case (4, "state") when port is not null:
                    port.State = ParseState(xml.GetAttribute("state"), lines);
                    port.HasState = true;
                    port.Reason = pool.Share(xml.GetAttribute("reason")) ?? "";
                    break;
                case (4, "service") when port is not null:
                    ReadService(xml, port);
                    break;
            }
        }

        inHost = false;
        return Conclude(host);
    }

    private IReadOnlyList<ScanRecord>? Conclude(NmapHost host)
    {
        if (host.Address is null)
        {
            throw new ScanFileFormatException(source, host.Line, host.Position, "<host> without an IPv4 or IPv6 <address>");
        }

        HostListed?.Invoke(host.Address);

        if (host.TimedOut)
        {
            return Undecided(host, "timed out before nmap finished it (--host-timeout)");
        }

        switch (host.Status)
        {
            case "up":
                return host.TryAddUnlistedAsUndecided(protocol => Run?.RequestedPorts(protocol))
                    ? host.ToRecords(HostState.Up, HostNameOf)
                    : Undecided(host, $"has {host.UnknownExtraPorts} port(s) in state 'unknown' and the run does not say which ports it scanned");
            case "down":
                return host.ToRecords(HostState.Down, HostNameOf);
            case "unknown" or "skipped":
                return Undecided(host, $"has host state '{host.Status}'");
            case null:
                throw new ScanFileFormatException(source, host.Line, host.Position, $"<host> {host.Address} has no <status>");
            default:
                throw new ScanFileFormatException(source, host.Line, host.Position,
                    $"unknown host state '{host.Status}' of {host.Address} (expected up, down, unknown or skipped)");
        }
    }

    private IReadOnlyList<ScanRecord>? Undecided(NmapHost host, string why)
    {
        UndecidedHosts++;
        warnings.Add($"host {host.Address} {why}: it is not decided");
        return null;
    }

    private void ReadAddress(XmlReader xml, IXmlLineInfo? lines, NmapHost host)
    {
        var text = xml.GetAttribute("addr");
        switch (xml.GetAttribute("addrtype"))
        {
            case "ipv4" or "ipv6":
                if (!IPAddress.TryParse(text, out var address) ||
                    (address.AddressFamily == AddressFamily.InterNetwork) != (xml.GetAttribute("addrtype") == "ipv4"))
                {
                    throw Error(lines, $"invalid {xml.GetAttribute("addrtype")} address '{text}'");
                }

                host.Address = address;
                break;
            case "mac":
                host.MacAddress = text?.ToUpperInvariant();
                host.MacVendor = xml.GetAttribute("vendor");
                break;
            default:
                throw Error(lines, $"unknown address type '{xml.GetAttribute("addrtype")}' (expected ipv4, ipv6 or mac)");
        }
    }

    private void ReadExtraPorts(XmlReader xml, IXmlLineInfo? lines, NmapHost host)
    {
        var state = ParseState(xml.GetAttribute("state"), lines);
        if (state == PortState.Open)
        {
            throw Error(lines, "<extraports> with state 'open': nmap lists every open port, it never groups them");
        }

        if (!int.TryParse(xml.GetAttribute("count"), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw Error(lines, $"<extraports> count '{xml.GetAttribute("count")}' is not a number");
        }

        if (state is { } known)
        {
            host.AddExtraPorts(known, count);
        }
        else if (count > 0)
        {
            // Grouped ports nmap could not decide: they are not named, so every port the host does not list is undecided.
            host.UnknownExtraPorts += count;
        }
    }

    private PortBuilder ReadPort(XmlReader xml, IXmlLineInfo? lines)
    {
        var protocolText = xml.GetAttribute("protocol");
        if (!int.TryParse(xml.GetAttribute("portid"), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > PortRange.MaxPort)
        {
            throw Error(lines, $"port number '{xml.GetAttribute("portid")}' is not 0-65535");
        }

        Protocol? protocol = ProtocolNames.TryParse(protocolText, out var parsed) ? parsed : null;
        if (protocol is null && protocolText is not ("sctp" or "ip"))
        {
            throw Error(lines, $"unknown port protocol '{protocolText}' (expected tcp, udp, sctp or ip)");
        }

        return new PortBuilder(protocol, protocolText!, number, lines?.LineNumber ?? 0, lines?.LinePosition ?? 0);
    }

    private void ReadService(XmlReader xml, PortBuilder port)
    {
        var name = xml.GetAttribute("name");
        port.Service = pool.Share(name is not null && xml.GetAttribute("tunnel") == "ssl" ? $"ssl/{name}" : name);
        var product = pool.Share(xml.GetAttribute("product"));
        var version = pool.Share(xml.GetAttribute("version"));
        var extra = pool.Share(xml.GetAttribute("extrainfo"));
        port.Detail = product is null && version is null && extra is null ? null : SharedDetail(product, version, extra);
        // method="table": nmap only looked the port number up in its services file (no -sV, or -sV found nothing).
        port.ServiceGuessed = name is not null && xml.GetAttribute("method") == "table";
        probedServices |= xml.GetAttribute("method") == "probed";
    }

    // One instance per distinct product/version: a large scan repeats the same few thousands of times.
    private ServiceDetail SharedDetail(string? product, string? version, string? extra)
    {
        if (details.TryGetValue((product, version, extra), out var detail))
        {
            return detail;
        }

        detail = new ServiceDetail(product, version, extra);
        if (details.Count < StringPool.Capacity)
        {
            details[(product, version, extra)] = detail;
        }

        return detail;
    }

    /// <summary>A port state as nmap writes it; null for "unknown", nmap's word for a port it could not decide (nmap 7.91, old versions).</summary>
    private PortState? ParseState(string? text, IXmlLineInfo? lines) => PortStateNames.TryParse(text, out var state)
        ? state
        : string.Equals(text, "unknown", StringComparison.OrdinalIgnoreCase)
            ? null
            : throw Error(lines, $"unknown port state '{text}' (expected open, closed, filtered, unfiltered, open|filtered, closed|filtered or unknown)");

    private void ReportProgress(XmlReader xml)
    {
        if (TaskProgress is null || !double.TryParse(xml.GetAttribute("percent"), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent))
        {
            return;
        }

        TimeSpan? remaining = long.TryParse(xml.GetAttribute("remaining"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
        TaskProgress(new NmapTaskProgress(xml.GetAttribute("task") ?? "", percent, remaining));
    }

    private ScanFileFormatException Error(IXmlLineInfo? lines, string reason) =>
        new(source, lines?.LineNumber ?? 0, lines?.LinePosition ?? 0, reason);

    private static DateTimeOffset? UnixTime(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    private static string WithoutPosition(XmlException error)
    {
        var suffix = string.Create(CultureInfo.InvariantCulture, $" Line {error.LineNumber}, position {error.LinePosition}.");
        return error.Message.EndsWith(suffix, StringComparison.Ordinal) ? error.Message[..^suffix.Length] : error.Message;
    }

    [GeneratedRegex(@"(^|\s)(-sV|-A)(\s|$)")]
    private static partial Regex VersionScanOption();

    /// <summary>One &lt;port&gt; while it is read.</summary>
    private sealed class PortBuilder(Protocol? protocol, string protocolText, int number, long line, long position)
    {
        public PortState? State { get; set; }

        /// <summary>A &lt;state&gt; was read; <see cref="State"/> is null when it said "unknown".</summary>
        public bool HasState { get; set; }

        public string Reason { get; set; } = "";

        public string? Service { get; set; }

        public ServiceDetail? Detail { get; set; }

        public bool ServiceGuessed { get; set; }

        public void AddTo(NmapHost host, NmapXmlReader reader)
        {
            if (!HasState)
            {
                throw new ScanFileFormatException(reader.source, line, position, $"port {protocolText}/{number} has no <state>");
            }

            if (protocol is not { } known)
            {
                reader.otherProtocolPorts++;
            }
            else if (State is { } state)
            {
                host.AddPort(known, number, state, Reason, Service, Detail, ServiceGuessed);
            }
            else
            {
                host.AddUndecidedPort(new PortKey(known, number));
            }
        }
    }
}
