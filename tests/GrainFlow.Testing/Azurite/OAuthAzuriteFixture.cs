using GrainFlow.Testing.Network;

namespace GrainFlow.Testing.Azurite;

/// <summary>
/// Azurite as Azure Storage is reached in production: over https (a self-signed loopback certificate
/// made at run time) and signed in with OAuth bearer tokens (<c>--oauth basic</c>), so that clients of the
/// service URI with a token credential work against it. The account key still works too (tests read
/// what was written with <see cref="AzuriteFixture.BlobServiceClient"/>).
/// </summary>
public sealed class OAuthAzuriteFixture : AzuriteFixture
{
    private readonly LoopbackCertificate _certificate;

    public OAuthAzuriteFixture()
        : this(LoopbackCertificate.Create())
    {
    }

    private OAuthAzuriteFixture(LoopbackCertificate certificate)
        : base(certificate)
    {
        _certificate = certificate;
    }

    /// <summary>The environment that makes a .NET process trust Azurite's certificate (its root certificates are read from SSL_CERT_FILE).</summary>
    public IReadOnlyDictionary<string, string> TrustEnvironment => new Dictionary<string, string> { ["SSL_CERT_FILE"] = _certificate.CertificatePath };
}
