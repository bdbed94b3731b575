using System.Security.Cryptography;
using System.Text;

namespace PortWarden.Hub.Auth;

/// <summary>
/// The hub's secrets: admin keys ("pwk_…"), enrolment tokens ("pwe_…") and agent credentials
/// ("pwa_&lt;agent id&gt;_&lt;secret&gt;", of which the secret is hashed), each with 256 random bits. Only their SHA-256 is stored: with that much
/// entropy a fast hash is enough, and a stolen database reveals no usable secret.
/// </summary>
public static class Secrets
{
    public const string AdminKeyPrefix = "pwk_";
    public const string EnrollmentPrefix = "pwe_";
    public const string AgentPrefix = "pwa_";

    public static string NewAdminKey() => AdminKeyPrefix + Random();

    public static string NewEnrollmentToken() => EnrollmentPrefix + Random();

    /// <summary>The secret half of an agent credential; its hash is stored when the agent enrols, before its id exists.</summary>
    public static string NewAgentSecret() => Random();

    public static string AgentCredential(long agentId, string secret) => $"{AgentPrefix}{agentId}_{secret}";

    public static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares a presented secret with a stored hash in constant time.</summary>
    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(storedHash));

    /// <summary>The agent id and secret inside an agent credential, or null when the text is not one.</summary>
    public static (long AgentId, string Secret)? ParseAgentCredential(string credential)
    {
        if (!credential.StartsWith(AgentPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = credential[AgentPrefix.Length..];
        var separator = rest.IndexOf('_', StringComparison.Ordinal);
        return separator > 0 && long.TryParse(rest.AsSpan(0, separator), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? (id, rest[(separator + 1)..])
            : null;
    }

    private static string Random() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
