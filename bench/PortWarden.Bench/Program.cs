using PortWarden.Bench;

return args.FirstOrDefault() switch
{
    "scan-vs-nmap" => await ScanVersusNmap.RunAsync(args[1..]).ConfigureAwait(false),
    "diff-record" => await DiffAndRecord.RunAsync(args[1..]).ConfigureAwait(false),
    "hub-ingest" => await HubIngestion.RunAsync(args[1..]).ConfigureAwait(false),
    "diff-vs-ndiff" => await DiffVersusNdiff.RunAsync(args[1..]).ConfigureAwait(false),
    "local-vs-ss" => await LocalVersusSs.RunAsync(args[1..]).ConfigureAwait(false),
    "udp-vs-nmap" => await UdpVersusNmap.RunAsync(args[1..]).ConfigureAwait(false),
    "export-vs-sqlite" => await ExportVersusSqlite.RunAsync(args[1..]).ConfigureAwait(false),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: PortWarden.Bench scan-vs-nmap --portwarden PATH [--runs N]");
    Console.Error.WriteLine("       PortWarden.Bench diff-record [--hosts N] [--ports-per-host N] [--postgres ADMIN-CONNECTION-STRING]");
    Console.Error.WriteLine("       PortWarden.Bench diff-vs-ndiff --portwarden PATH [--ndiff PATH]");
    Console.Error.WriteLine("       PortWarden.Bench local-vs-ss --portwarden [LABEL=]PATH... [--runs N] [--sockets N]");
    Console.Error.WriteLine("       PortWarden.Bench udp-vs-nmap --portwarden PATH [--sources N] [--skip-nmap] [--skip-full]");
    Console.Error.WriteLine("       PortWarden.Bench export-vs-sqlite --portwarden PATH [--hosts N] [--polls N]");
    return 2;
}
