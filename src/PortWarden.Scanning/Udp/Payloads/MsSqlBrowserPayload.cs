using System.Text;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// The SQL Server Browser protocol ([MC-SQLR]): CLNT_UCAST_EX (0x03) asks for the instances on the machine; the
/// SVR_RESP (0x05) lists each as "ServerName;…;InstanceName;…;Version;…;tcp;1433;;".
/// </summary>
internal sealed class MsSqlBrowserPayload : IUdpPayload
{
    public string Service => "ms-sql-m";

    public IReadOnlyList<int> Ports { get; } = [1434];

    public byte[] Build(ushort id) => [0x03];

    public ServiceMatch? Recognise(ReadOnlySpan<byte> answer)
    {
        if (answer.Length < 3 || answer[0] != 0x05)
        {
            return null;
        }

        var fields = Encoding.ASCII.GetString(answer[3..]).Split(';');
        string? Field(string name)
        {
            var index = Array.FindIndex(fields, field => field.Equals(name, StringComparison.OrdinalIgnoreCase));
            return index >= 0 && index + 1 < fields.Length ? fields[index + 1] : null;
        }

        var instance = Field("InstanceName");
        return new ServiceMatch(Service, new ServiceDetail("Microsoft SQL Server", Field("Version"), instance is null ? null : $"instance {instance}"));
    }
}
