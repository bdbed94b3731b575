using PortWarden.Cli;

return await CliApp.RunAsync(args, CliStreams.FromConsole(), TimeProvider.System).ConfigureAwait(false);
