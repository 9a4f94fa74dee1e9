using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace GrainFlow.Silo.Rest.Http;

/// <summary>
/// Keeps web pages from using the API through the user's browser: a page on another site can make
/// the browser send a "simple" cross-site request (a <c>text/plain</c> POST, no preflight), and DNS
/// rebinding lets a page of a name the attacker controls reach 127.0.0.1. So, before any body is read
/// or grain called, a request is refused unless its <c>Host</c> names this API (a loopback name or the
/// local address with the port it came in on, or a configured host name), any <c>Origin</c> is this API's
/// own, and any body is declared <c>application/json</c> — which a browser sends cross-site only after a
/// preflight, and preflights from other origins are refused. Clients that are not browsers (curl, the
/// seed's scripts) send no Origin and pass.
/// </summary>
public sealed class CrossSiteRequestProtection(RequestDelegate next, IReadOnlyList<string> allowedHosts)
{
    private const string AllowedMethods = "GET, POST, PATCH, OPTIONS";

    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsAllowedHost(context))
        {
            return ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden, request.Host.HasValue
                ? $"Host '{request.Host}' is refused: this REST API answers only to localhost, 127.0.0.1, [::1] or its own address on port {context.Connection.LocalPort}. " +
                  "To reach it by a host name, add the name to grainflow.rest.allowed-hosts."
                : "The request has no Host header: send the address of this REST API as its Host.");
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsSameOrigin(origin, request))
        {
            return ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden,
                $"Origin '{origin}' is refused: this REST API accepts requests from web pages of its own origin ({request.Scheme}://{request.Host}) only.");
        }
        if (HttpMethods.IsOptions(request.Method)) return AnswerPreflight(context, origin);
        if (HasBody(request) && !IsJson(request.ContentType))
        {
            return ErrorResponses.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, string.IsNullOrEmpty(request.ContentType)
                ? "The request has a body but no Content-Type: send the JSON body with 'Content-Type: application/json'."
                : $"Unsupported Content-Type '{request.ContentType}': send the JSON body with 'Content-Type: application/json'.");
        }
        return next(context);
    }

    private bool IsAllowedHost(HttpContext context)
    {
        var host = context.Request.Host;
        if (!host.HasValue) return false;
        if (allowedHosts.Contains(host.Host, StringComparer.OrdinalIgnoreCase)) return true;
        // The names below are only this API on the port the request arrived at; another port is another service.
        var port = host.Port ?? DefaultPort(context.Request.Scheme);
        if (port != context.Connection.LocalPort) return false;
        if (LoopbackNames.Contains(host.Host, StringComparer.OrdinalIgnoreCase)) return true;
        // An address literal cannot be rebound: it is the address this connection was accepted on, or not.
        return IPAddress.TryParse(host.Host.Trim('[', ']'), out var address) && context.Connection.LocalIpAddress is { } local
            && Normalize(address).Equals(Normalize(local));
    }

    private static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.UserInfo.Length == 0
        && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
        && uri.Port == (request.Host.Port ?? DefaultPort(request.Scheme));

    /// <summary>
    /// A preflight that got here comes from this API's own origin (or from a client that is not a
    /// browser): it may use every method and the two headers the API reads.
    /// </summary>
    private static Task AnswerPreflight(HttpContext context, string origin)
    {
        var headers = context.Response.Headers;
        headers.Allow = AllowedMethods;
        if (origin.Length > 0)
        {
            headers.AccessControlAllowOrigin = origin;
            headers.AccessControlAllowMethods = AllowedMethods;
            headers.AccessControlAllowHeaders = "Authorization, Content-Type";
            headers.Vary = "Origin";
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0
        || (request.ContentLength is null && request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static int DefaultPort(string scheme) => scheme == "https" ? 443 : 80;

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
