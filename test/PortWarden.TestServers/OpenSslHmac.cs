using System.Diagnostics;
using System.Text;

namespace PortWarden.TestServers;

/// <summary>HMAC-SHA256 computed by openssl, so that webhook signatures are checked by another implementation than the product's.</summary>
public static class OpenSslHmac
{
    /// <summary>The X-PortWarden-Signature a request should carry: "v1=" and the HMAC of "{timestamp}.{body}" under the secret.</summary>
    public static async Task<string> WebhookSignatureAsync(string secret, ReceivedRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signed = Encoding.UTF8.GetBytes(request.Header("X-PortWarden-Timestamp") + ".").Concat(request.Body).ToArray();
        return "v1=" + await Sha256HexAsync(secret, signed, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<string> Sha256HexAsync(string key, byte[] data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var start = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "dgst", "-sha256", "-hmac", key })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.BaseStream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl dgst failed ({process.ExitCode}): {error}");
        }

        // "HMAC-SHA2-256(stdin)= 5d4f..." (the label differs between openssl versions; the digest is after "= ").
        return output.Trim().Split("= ")[^1];
    }
}
