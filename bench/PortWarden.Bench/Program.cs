using PortWarden.Bench;

return args.FirstOrDefault() switch
{
    "scan-vs-nmap" => await ScanVersusNmap.RunAsync(args[1..]).ConfigureAwait(false),
    "udp-vs-nmap" => await UdpVersusNmap.RunAsync(args[1..]).ConfigureAwait(false),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: PortWarden.Bench scan-vs-nmap --portwarden PATH [--runs N]");
    Console.Error.WriteLine("       PortWarden.Bench udp-vs-nmap --portwarden PATH [--sources N] [--skip-nmap] [--skip-full]");
    return 2;
}
