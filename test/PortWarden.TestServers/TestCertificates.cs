using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PortWarden.TestServers;

/// <summary>A self-signed server certificate for 127.0.0.1 and localhost, with its PEM written to a file clients can trust.</summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("portwarden-cert-").FullName;

    public TestCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Through PKCS#12 so the private key is usable by SslStream on Linux.
        Certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        PemPath = Path.Combine(directory, "server.pem");
        File.WriteAllText(PemPath, Certificate.ExportCertificatePem());
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate (no key) as PEM: what a channel's caCertificate points at.</summary>
    public string PemPath { get; }

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
