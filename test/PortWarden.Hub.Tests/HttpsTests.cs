using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PortWarden.Agent;
using PortWarden.Agent.Wire;
using PortWarden.Hub.Auth;

namespace PortWarden.Hub.Tests;

public sealed class HttpsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_agent_that_trusts_the_hubs_certificate_enrols_over_https_and_one_that_does_not_is_refused()
    {
        using var certificate = SelfSigned();
        var directory = Directory.CreateTempSubdirectory("portwarden-tls-");
        try
        {
            var certPath = Path.Combine(directory.FullName, "hub.pem");
            var keyPath = Path.Combine(directory.FullName, "hub.key");
            await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem(), Cancel);
            await File.WriteAllTextAsync(keyPath, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem(), Cancel);
            await using var hub = await TestHub.StartAsync(
                new HubOptions { DataDirectory = directory.FullName, LocalAgent = false, CertificatePath = certPath, CertificateKeyPath = keyPath }, Cancel);
            Assert.Equal("https", hub.BaseAddress.Scheme);
            var now = DateTimeOffset.UtcNow;
            await hub.Store.AddEnrollmentTokenAsync(Secrets.Hash("pwe_tls-one"), now, now.AddHours(1), null, Cancel);

            using var untrusting = new HttpHubConnection(hub.BaseAddress, null);
            var refused = await Assert.ThrowsAsync<HubUnavailableException>(() => untrusting.EnrolAsync(new EnrolRequest("pwe_tls-one", "x", null), Cancel));
            using var trusting = new HttpHubConnection(hub.BaseAddress, null, X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert)));
            var enrolled = await trusting.EnrolAsync(new EnrolRequest("pwe_tls-one", "tls-agent", null), Cancel);
            using var agent = new HttpHubConnection(hub.BaseAddress, enrolled.Credential, X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert)));

            Assert.Contains("unreachable", refused.Message, StringComparison.Ordinal);
            Assert.Empty(await agent.GetTrackersAsync(Cancel));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=portwarden-test-hub", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
