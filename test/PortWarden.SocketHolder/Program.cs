using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PortWarden.SocketHolder;

// Usage: PortWarden.SocketHolder SPEC... | --listeners N --from PORT ADDRESS...
//   SPEC: tcp/ADDRESS[/PORT] (a listener), udp/ADDRESS[/PORT] (a bound socket), udp-connected/ADDRESS (bound, then
//   connected to ADDRESS:9). --listeners opens N TCP listeners on each address in turn, on ports from PORT up.
// Prints "PROTOCOL ADDRESS PORT" per socket and then "ready"; closes everything and exits when stdin closes or
// reads a line.
var sockets = new List<Socket>();
try
{
    if (args is ["--listeners", var count, "--from", var from, .. var addresses] && addresses.Length > 0)
    {
        // Fixed ports below the ephemeral range, so that thousands of listeners do not starve other programs of
        // ephemeral ports; ports already in use are skipped.
        var wanted = int.Parse(count, CultureInfo.InvariantCulture);
        FileLimit.RaiseTo(wanted + 64);
        for (var port = int.Parse(from, CultureInfo.InvariantCulture); sockets.Count < wanted && port <= 65535; port++)
        {
            foreach (var address in addresses.Select(IPAddress.Parse).Take(wanted - sockets.Count))
            {
                try
                {
                    sockets.Add(Open("tcp", address, port));
                }
                catch (SocketException error) when (error.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"listening {sockets.Count}"));
    }
    else
    {
        foreach (var spec in args)
        {
            var parts = spec.Split('/');
            var port = parts.Length > 2 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : 0;
            var socket = Open(parts[0], IPAddress.Parse(parts[1]), port);
            sockets.Add(socket);
            var local = (IPEndPoint)socket.LocalEndPoint!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{parts[0]} {local.Address} {local.Port}"));
        }
    }

    Console.WriteLine("ready");
    Console.Out.Flush();
    Console.ReadLine();
    return 0;
}
finally
{
    foreach (var socket in sockets)
    {
        socket.Dispose();
    }
}

static Socket Open(string protocol, IPAddress address, int port)
{
    var socket = protocol == "tcp"
        ? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        : new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
    if (address.IsIPv4MappedToIPv6)
    {
        // An IPv6 socket bound to an IPv4 address must accept IPv4 (IPV6_V6ONLY off).
        socket.DualMode = true;
    }

    socket.Bind(new IPEndPoint(address, port));
    switch (protocol)
    {
        case "tcp":
            socket.Listen(16);
            break;
        case "udp-connected":
            socket.Connect(new IPEndPoint(address.Equals(IPAddress.Any) ? IPAddress.Loopback : address, 9));
            break;
    }

    return socket;
}
