using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GrainFlow.Testing.Cluster;

namespace GrainFlow.Testing.Network;

/// <summary>
/// A self-signed TLS certificate for 127.0.0.1 and localhost, made at run time, with its certificate
/// and private key as PEM files in a temporary directory (deleted on dispose): for loopback servers
/// tests reach over https. A .NET process on Linux trusts it when started with
/// <c>SSL_CERT_FILE</c>=<see cref="CertificatePath"/> (where it reads its root certificates from);
/// this process accepts it through <see cref="Matches"/>.
/// </summary>
public sealed class LoopbackCertificate : IDisposable
{
    private readonly TemporaryDirectory _directory;

    private LoopbackCertificate(TemporaryDirectory directory, X509Certificate2 certificate)
    {
        _directory = directory;
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePath => _directory.Combine("cert.pem");

    public string KeyPath => _directory.Combine("key.pem");

    public static LoopbackCertificate Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        // Its own issuer, so it is the trust anchor of its chain.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        var directory = new TemporaryDirectory("grainflow-certificate");
        var created = new LoopbackCertificate(directory, certificate);
        File.WriteAllText(created.CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(created.KeyPath, key.ExportPkcs8PrivateKeyPem());
        return created;
    }

    /// <summary>True for this very certificate (a validation callback's test for a server that presents it).</summary>
    public bool Matches(X509Certificate? presented) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData);

    public void Dispose()
    {
        Certificate.Dispose();
        _directory.Dispose();
    }
}
