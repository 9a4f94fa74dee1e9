using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace GrainFlow.Silo.Rest.Http;

/// <summary>
/// When a token is configured, every request must carry <c>Authorization: Bearer &lt;token&gt;</c>;
/// others get 401 before any grain is called. The comparison takes the same time for every wrong token.
/// </summary>
public sealed class BearerTokenAuthentication(RequestDelegate next, string token)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public Task InvokeAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        // Hashing first gives equal lengths, so FixedTimeEquals never leaks the token's length.
        if (presented is not null && CryptographicOperations.FixedTimeEquals(_expected, SHA256.HashData(Encoding.UTF8.GetBytes(presented))))
        {
            return next(context);
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ErrorResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, presented is null
            ? "Missing bearer token: this REST API requires 'Authorization: Bearer <token>' (the silo's grainflow.rest.token)."
            : "Invalid bearer token: it does not match the silo's grainflow.rest.token.");
    }
}
