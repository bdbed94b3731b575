using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PortWarden.Alerts.Channels;

/// <summary>Server certificate checks for TLS channels: the system's trust, or a CA (or the server's own certificate) from a PEM file.</summary>
internal static class TlsTrust
{
    public static RemoteCertificateValidationCallback? For(string? caCertificatePath)
    {
        if (caCertificatePath is null)
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caCertificatePath);
        return (_, certificate, _, errors) =>
        {
            // The host name must still match: only the chain's anchor is replaced.
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        };
    }
}
