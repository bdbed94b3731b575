using System.CommandLine;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden expect DEVICE PORTS|--none`: the device's expected state, the ports allowed to be open; others are violations on every report.</summary>
internal static class ExpectCommand
{
    public static Command Create(CliStreams streams)
    {
        var store = new StoreOption();
        var device = new Argument<string>("device") { Description = "The device." };
        var ports = new Argument<string?>("ports") { Description = "Ports allowed open (nmap syntax, T:/U: prefixes), e.g. T:22,443,U:53.", Arity = ArgumentArity.ZeroOrOne };
        var none = new Option<bool>("--none") { Description = "Remove the device's allow-list (no violations are reported)." };
        var command = new Command("expect", "Set the ports a device is expected to have open; any other open port is a violation on every report.");
        command.Arguments.Add(device);
        command.Arguments.Add(ports);
        command.Options.Add(none);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("expect", streams, async () =>
        {
            var spec = parse.GetValue(ports);
            if ((spec is null) == !parse.GetValue(none))
            {
                throw new UsageException("give the expected ports (e.g. T:22,443) or --none");
            }

            if (spec is not null)
            {
                Core.Ports.PortSpec.Parse(spec);
            }

            await using var db = await store.OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            var found = await StoreOption.FindDeviceAsync(db, parse.GetValue(device)!, cancellationToken).ConfigureAwait(false);
            await db.SetExpectedPortsAsync(found.Id, spec, cancellationToken).ConfigureAwait(false);
            await streams.Out.WriteLineAsync((spec is null ? $"'{found.Name}' has no expected ports now." : $"'{found.Name}' is expected to have open: {spec}.").AsMemory(), cancellationToken)
                .ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
