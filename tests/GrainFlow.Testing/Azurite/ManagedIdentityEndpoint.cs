using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using GrainFlow.Testing.Network;

namespace GrainFlow.Testing.Azurite;

/// <summary>
/// Stands in for the managed identity endpoint Azure App Service gives a process (the environment
/// variables <c>IDENTITY_ENDPOINT</c> and <c>IDENTITY_HEADER</c>, API version 2019-08-01), so that a
/// process using <c>DefaultAzureCredential</c> signs in without Azure. It hands out tokens that Azurite
/// accepts with <c>--oauth basic</c>: Azurite checks a token's issuer, audience and lifetime, not its signature.
/// </summary>
public sealed class ManagedIdentityEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _secret = Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<string> _resources = new();
    private readonly Task _serving;

    private ManagedIdentityEndpoint(int port)
    {
        Address = $"http://127.0.0.1:{port}/msi/token";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/msi/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>Where tokens are asked for.</summary>
    public string Address { get; }

    /// <summary>The resource of every token handed out, in order (e.g. https://storage.azure.com).</summary>
    public IReadOnlyCollection<string> Resources => _resources;

    /// <summary>The environment that points a process's managed identity credential here.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["IDENTITY_ENDPOINT"] = Address,
        ["IDENTITY_HEADER"] = _secret,
    };

    public static ManagedIdentityEndpoint Start() => new(FreeLoopbackPort.Find());

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // Stopped.
            }
            using var response = context.Response;
            var resource = context.Request.QueryString["resource"];
            if (context.Request.Headers["X-IDENTITY-HEADER"] != _secret || string.IsNullOrEmpty(resource))
            {
                response.StatusCode = (int)HttpStatusCode.BadRequest;
                continue;
            }
            _resources.Enqueue(resource);
            var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
            {
                ["access_token"] = Token(resource, expires),
                ["expires_on"] = expires.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["resource"] = resource,
                ["token_type"] = "Bearer",
            });
            response.ContentType = "application/json";
            await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        }
    }

    /// <summary>An unsigned JWT for <paramref name="audience"/> from Azure's token issuer, valid until <paramref name="expires"/>.</summary>
    private static string Token(string audience, long expires)
    {
        var tenant = Guid.Empty;
        var now = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "none", ["typ"] = "JWT" });
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = $"https://sts.windows.net/{tenant}/",
            ["tid"] = tenant.ToString(),
            ["oid"] = Guid.NewGuid().ToString(),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = expires,
        });
        return $"{Base64Url(header)}.{Base64Url(payload)}.{Base64Url("unsigned"u8.ToArray())}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving.ConfigureAwait(false);
    }
}
