namespace PortWarden.Core.Targets;

/// <summary>Host name syntax (RFC 1123 labels, plus '_' which real zones use).</summary>
internal static class HostNames
{
    public static bool IsValid(string name)
    {
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        if (trimmed.Length is 0 or > 253 || !trimmed.Any(char.IsAsciiLetter))
        {
            return false;
        }

        return trimmed.Split('.').All(label =>
            label.Length is >= 1 and <= 63
            && label[0] != '-' && label[^1] != '-'
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }
}
