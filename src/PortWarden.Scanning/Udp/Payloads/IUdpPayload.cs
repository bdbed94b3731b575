namespace PortWarden.Scanning.Udp.Payloads;

/// <summary>
/// One protocol's UDP probe: a datagram a server of that protocol answers, and a recogniser that tells whether an
/// answer is that protocol and what it says about the server. Written from the protocol's specification.
/// </summary>
internal interface IUdpPayload
{
    /// <summary>The service name reported for a recognised answer (the names of the services table).</summary>
    string Service { get; }

    /// <summary>The ports this probe is sent to.</summary>
    IReadOnlyList<int> Ports { get; }

    /// <summary>True for protocols whose servers answer from another port than the one probed (TFTP).</summary>
    bool AnswersFromOtherPort => false;

    /// <summary>The datagram to send; <paramref name="id"/> fills the protocol's transaction id where it has one.</summary>
    byte[] Build(ushort id);

    /// <summary>What the answer says about the service, or null when it is not an answer of this protocol.</summary>
    ServiceMatch? Recognise(ReadOnlySpan<byte> answer);
}

/// <summary>A recognised answer: the service and, where the answer tells, its product, version and details.</summary>
internal sealed record ServiceMatch(string Service, Core.Scanning.ServiceDetail? Detail = null);
