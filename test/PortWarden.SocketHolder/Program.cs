using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PortWarden.SocketHolder;

// Usage: PortWarden.SocketHolder SPEC... | --listeners N ADDRESS...
//   SPEC: tcp/ADDRESS[/PORT] (a listener), udp/ADDRESS[/PORT] (a bound socket), udp-connected/ADDRESS (bound, then
//   connected to ADDRESS:9). --listeners N opens N TCP listeners spread over the addresses.
// Prints "PROTOCOL ADDRESS PORT" per socket and then "ready"; closes everything and exits when stdin closes or
// reads a line.
var sockets = new List<Socket>();
try
{
    if (args is ["--listeners", var count, .. var addresses] && addresses.Length > 0)
    {
        var wanted = int.Parse(count, CultureInfo.InvariantCulture);
        FileLimit.RaiseTo(wanted + 64);
        for (var i = 0; i < wanted; i++)
        {
            sockets.Add(Open("tcp", IPAddress.Parse(addresses[i % addresses.Length]), 0));
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
