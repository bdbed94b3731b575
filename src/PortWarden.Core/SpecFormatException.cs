namespace PortWarden.Core;

/// <summary>A target, port or other specification that could not be parsed; names the offending token and where it is.</summary>
public sealed class SpecFormatException : FormatException
{
    public SpecFormatException(string kind, string spec, string token, int position, string reason)
        : base($"invalid {kind} '{token}' at position {position}: {reason}")
    {
        Kind = kind;
        Spec = spec;
        Token = token;
        Position = position;
        Reason = reason;
    }

    /// <summary>What was being parsed, e.g. "target" or "port".</summary>
    public string Kind { get; }

    /// <summary>The whole specification text.</summary>
    public string Spec { get; }

    /// <summary>The token that was wrong.</summary>
    public string Token { get; }

    /// <summary>1-based character position of the token in <see cref="Spec"/>.</summary>
    public int Position { get; }

    /// <summary>Why the token was refused.</summary>
    public string Reason { get; }
}
