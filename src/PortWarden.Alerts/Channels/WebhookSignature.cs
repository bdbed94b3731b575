using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PortWarden.Alerts.Channels;

/// <summary>
/// How webhook bodies are signed: X-PortWarden-Signature is "v1=" and the hex HMAC-SHA256, under the channel's secret, of
/// "{X-PortWarden-Timestamp}.{body}". A receiver recomputes it and refuses timestamps too far from its clock, so a
/// captured request cannot be replayed later.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-PortWarden-Signature";
    public const string TimestampHeader = "X-PortWarden-Timestamp";
    public const string DeliveryHeader = "X-PortWarden-Delivery";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>True when <paramref name="signature"/> signs the body at <paramref name="timestamp"/> and the timestamp is within <paramref name="tolerance"/> of now.</summary>
    public static bool Verify(string secret, string? timestamp, ReadOnlySpan<byte> body, string? signature, DateTimeOffset now, TimeSpan tolerance)
    {
        if (signature is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, seconds, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
