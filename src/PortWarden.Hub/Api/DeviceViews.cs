using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>A device as the API shows it.</summary>
public sealed record DeviceView(long Id, string Name, string Kind, string Targets, IReadOnlyList<long> AgentIds, bool BaselineEstablished, DateTimeOffset? LastPollAt, string? ExpectedPorts)
{
    public static DeviceView Of(Device device) => new(
        device.Id, device.Name, device.Kind.ToWireName(), device.Targets, device.AgentIds, device.BaselineEstablished, device.LastPollAt, device.ExpectedPorts);
}

/// <summary>A device summary for listings: the device plus its current totals and last poll.</summary>
public sealed record DeviceSummaryView(DeviceView Device, int HostsUp, long OpenPorts, int Polls, PollView? LastPoll);

/// <summary>What a client sends to create or change a device; expectedPorts is the allow-list of its expected state (null: none).</summary>
public sealed record DeviceInput(string? Name, string? Kind, string? Targets, IReadOnlyList<long>? AgentIds, string? ExpectedPorts = null)
{
    public const int MaxNameLength = 100;

    /// <summary>Checks every field (agents against the store), naming each bad one.</summary>
    public async Task<(DeviceKind Kind, Validation Validation)> ValidateAsync(IPortWardenStore store, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > MaxNameLength)
        {
            validation.Add("name", $"a device needs a name of 1-{MaxNameLength} characters");
        }

        var kind = validation.Check("kind", () => DeviceKindNames.Parse(Kind ?? ""));
        if (kind != DeviceKind.Self)
        {
            if (string.IsNullOrWhiteSpace(Targets))
            {
                validation.Add("targets", "a host or network device needs targets (addresses, ranges, CIDR blocks or host names)");
            }
            else
            {
                validation.Check("targets", () => TargetSpec.Parse(Targets));
            }
        }

        if (ExpectedPorts is not null)
        {
            validation.Check("expectedPorts", () => PortWarden.Core.Ports.PortSpec.Parse(ExpectedPorts));
        }

        foreach (var agent in AgentIds ?? [])
        {
            if (await store.FindAgentAsync(agent, cancellationToken).ConfigureAwait(false) is not { Agent.IsRevoked: false })
            {
                validation.Add("agentIds", $"there is no active agent {agent}");
            }
        }

        return (kind, validation);
    }
}
