using System.Buffers.Binary;
using PortWarden.Core.Scanning;
using PortWarden.NetLab;

namespace PortWarden.Scanning.Tests;

/// <summary>
/// A lab host with a known UDP state on every port: a DNS-like and an NTP-like responder written here, a socket
/// that never answers, ports dropped and rejected (admin-prohibited) by nftables, and closed ports.
/// </summary>
internal sealed record UdpTruth(IReadOnlyDictionary<int, (PortState State, string Reason)> States, string PortSpec, LabUdpResponder Dns)
{
    public static readonly int[] Dropped = [81, 82, 9000];
    public static readonly int[] Rejected = [83, 84];
    public const int Silent = 5000;
    public const int Echo = 7;

    public static async Task<UdpTruth> BuildAsync(LabHost host, int lastPort = 130)
    {
        var dns = host.ListenUdp(53, DnsAnswer);
        host.ListenUdp(123, NtpAnswer);
        host.ListenUdp(Silent);
        host.ListenUdp(Echo, request => request);
        await host.SetFirewallAsync(
            $"udp dport {{ {string.Join(", ", Dropped)} }} drop",
            $"udp dport {{ {string.Join(", ", Rejected)} }} reject with icmpx type admin-prohibited");
        var states = new Dictionary<int, (PortState, string)>();
        foreach (var port in Enumerable.Range(1, lastPort).Concat([Echo, 53, 123, Silent, .. Dropped, .. Rejected]))
        {
            states[port] = (PortState.Closed, Reasons.PortUnreachable);
        }

        states[Echo] = (PortState.Open, Reasons.UdpResponse);
        states[53] = (PortState.Open, Reasons.UdpResponse);
        states[123] = (PortState.Open, Reasons.UdpResponse);
        states[Silent] = (PortState.OpenFiltered, Reasons.NoResponse);
        foreach (var port in Dropped)
        {
            states[port] = (PortState.OpenFiltered, Reasons.NoResponse);
        }

        foreach (var port in Rejected)
        {
            states[port] = (PortState.Filtered, Reasons.AdminProhibited);
        }

        return new UdpTruth(states, $"1-{lastPort},{Echo},53,123,{Silent},{string.Join(',', Dropped)},{string.Join(',', Rejected)}", dns);
    }

    /// <summary>Differences between a scan and the truth, one line each; empty when every state is right.</summary>
    public List<string> Compare(ScanResult result, string address, bool exactReasons)
    {
        var wrong = new List<string>();
        var seen = result.Ports.Where(o => o.Target.Address.ToString() == address).ToDictionary(o => o.Port);
        foreach (var (port, (state, reason)) in States.OrderBy(pair => pair.Key))
        {
            if (!seen.TryGetValue(port, out var observation))
            {
                wrong.Add($"{port}: missing (expected {state.ToWireName()})");
            }
            else if (observation.State != state || (exactReasons && observation.Reason != reason))
            {
                wrong.Add($"{port}: {observation.State.ToWireName()} ({observation.Reason}), expected {state.ToWireName()} ({reason})");
            }
        }

        wrong.AddRange(seen.Keys.Where(port => !States.ContainsKey(port)).Select(port => $"{port}: not requested but reported"));
        var report = result.Hosts.SingleOrDefault(h => h.Target.Address.ToString() == address);
        if (report is null || report.State != HostState.Up || report.Undecided.Count > 0)
        {
            wrong.Add($"host report: {report?.State.ToWireName() ?? "missing"}, undecided {report?.Undecided.Count}");
        }

        return wrong;
    }

    /// <summary>A DNS-like responder: answers any query with its id, the response bit and one TXT record "labdns-1.0".</summary>
    public static byte[]? DnsAnswer(byte[] query)
    {
        if (query.Length < 12 || (query[2] & 0x80) != 0)
        {
            return null;
        }

        byte[] txt = [10, .. "labdns-1.0"u8];
        byte[] answer = [0xc0, 12, 0, 16, 0, 3, 0, 0, 0, 0, 0, (byte)txt.Length, .. txt];
        var response = new byte[query.Length + answer.Length];
        query.CopyTo(response, 0);
        response[2] = 0x84;
        response[3] = 0x00;
        BinaryPrimitives.WriteUInt16BigEndian(response.AsSpan(6), 1);
        answer.CopyTo(response, query.Length);
        return response;
    }

    /// <summary>An NTP-like responder: answers a client-mode packet with a version 4, server-mode, stratum 2 packet.</summary>
    public static byte[]? NtpAnswer(byte[] request)
    {
        if (request.Length < 48 || (request[0] & 7) != 3)
        {
            return null;
        }

        var response = new byte[48];
        response[0] = (4 << 3) | 4;
        response[1] = 2;
        request.AsSpan(40, 8).CopyTo(response.AsSpan(24));
        return response;
    }
}
