using System.Text.Json;
using PortWarden.Core.Comparison;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Cli.Diff;

/// <summary>
/// The differences as one JSON document for machines:
/// {"old":{source},"new":{source},"equal","partial","hosts":[{"address","hostname","change","old","new","attributes","ports":[…]}],"summary":{…}}.
/// A port one scan did not scan has change "not-scanned" and, on that side, state null and listed false.
/// </summary>
internal static class JsonDiffOutput
{
    public static async Task WriteAsync(ScanDifference difference, TextWriter writer, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        await using (json.ConfigureAwait(false))
        {
            json.WriteStartObject();
            WriteSource(json, "old", difference.Old);
            WriteSource(json, "new", difference.New);
            json.WriteBoolean("equal", difference.Equal);
            json.WriteBoolean("partial", difference.Partial);
            json.WriteStartArray("hosts");
            foreach (var host in difference.Hosts)
            {
                WriteHost(json, host);
                if (json.BytesPending > 64 * 1024)
                {
                    // Hand finished hosts on, so a large difference is never held whole.
                    await json.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await DrainAsync(output, writer, cancellationToken).ConfigureAwait(false);
                }
            }

            json.WriteEndArray();
            WriteSummary(json, difference.Counts);
            json.WriteEndObject();
            await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await DrainAsync(output, writer, cancellationToken).ConfigureAwait(false);
        await writer.WriteLineAsync().ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task DrainAsync(MemoryStream output, TextWriter writer, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(System.Text.Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length).AsMemory(), cancellationToken).ConfigureAwait(false);
        output.SetLength(0);
    }

    private static void WriteSource(Utf8JsonWriter json, string name, ScanSource source)
    {
        json.WriteStartObject(name);
        json.WriteString("file", source.Name);
        json.WriteString("format", source.Format);
        json.WriteString("scanner", source.Scanner);
        if (source.StartedAt is { } started)
        {
            json.WriteString("startedAt", started);
        }
        else
        {
            json.WriteNull("startedAt");
        }

        json.WriteBoolean("truncated", source.Truncated);
        json.WriteBoolean("identifiedServices", source.IdentifiedServices);
        json.WriteEndObject();
    }

    private static void WriteHost(Utf8JsonWriter json, HostDifference host)
    {
        json.WriteStartObject();
        json.WriteString("address", host.Address.ToString());
        json.WriteString("hostname", host.HostName);
        json.WriteString("change", host.Change.ChangeName());
        WriteHostSide(json, "old", host.Old);
        WriteHostSide(json, "new", host.New);
        json.WriteStartArray("attributes");
        foreach (var attribute in host.Attributes)
        {
            json.WriteStartObject();
            json.WriteString("name", attribute.Name);
            json.WriteString("old", attribute.Old);
            json.WriteString("new", attribute.New);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("ports");
        foreach (var port in host.Ports)
        {
            json.WriteStartObject();
            json.WriteString("protocol", port.Key.Protocol.ToWireName());
            json.WriteNumber("port", port.Key.Port);
            json.WriteString("change", port.Change.ChangeName());
            WritePortSide(json, "old", port.OldState, port.Old);
            WritePortSide(json, "new", port.NewState, port.New);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteHostSide(Utf8JsonWriter json, string name, HostSnapshot? host)
    {
        if (host is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("state", host.Report.State.ToWireName());
        json.WriteString("reason", host.Report.Reason);
        json.WriteString("mac", host.Report.MacAddress);
        json.WriteEndObject();
    }

    /// <summary>A port as one scan saw it; "state" is null when that scan did not list it and its state is unknown (it was not open).</summary>
    private static void WritePortSide(Utf8JsonWriter json, string name, PortState? state, Observation? observation)
    {
        json.WriteStartObject(name);
        json.WriteString("state", state?.ToWireName());
        json.WriteBoolean("listed", observation is not null);
        json.WriteString("reason", observation?.Reason);
        json.WriteString("service", observation?.Service);
        json.WriteString("product", observation?.Detail?.Product);
        json.WriteString("version", observation?.Detail?.Version);
        json.WriteString("extrainfo", observation?.Detail?.ExtraInfo);
        json.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter json, ComparisonCounts counts)
    {
        json.WriteStartObject("summary");
        json.WriteNumber("hostsCompared", counts.HostsCompared);
        json.WriteNumber("hostsAdded", counts.HostsAdded);
        json.WriteNumber("hostsRemoved", counts.HostsRemoved);
        json.WriteNumber("hostsWentUp", counts.HostsWentUp);
        json.WriteNumber("hostsWentDown", counts.HostsWentDown);
        json.WriteNumber("hostsChanged", counts.HostsChanged);
        json.WriteNumber("portsOpened", counts.PortsOpened);
        json.WriteNumber("portsClosed", counts.PortsClosed);
        json.WriteNumber("portStateChanges", counts.PortStateChanges);
        json.WriteNumber("serviceChanges", counts.ServiceChanges);
        json.WriteNumber("hostsNotCompared", counts.HostsNotCompared);
        json.WriteNumber("portsNotCompared", counts.PortsNotCompared);
        json.WriteNumber("portsNotScanned", counts.PortsNotScanned);
        json.WriteEndObject();
    }
}
