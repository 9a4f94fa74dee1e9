using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace GrainFlow.Silo.WebDashboard;

/// <summary>
/// The web dashboard: plain HTML, CSS and JavaScript modules embedded in this assembly and served at
/// <c>/</c> on the REST port. The page reads and acts through the REST API only, so it needs nothing
/// at run time but this silo: no CDN, no build step.
/// </summary>
public static class WebDashboardFiles
{
    /// <summary>The namespace the embedded files carry (see the project file's EmbeddedResource item).</summary>
    private const string ResourcePrefix = "GrainFlow.WebDashboard";

    // Scripts and styles come from these files only, so injected markup could not run or restyle anything.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'";

    public static IFileProvider Files { get; } = new EmbeddedFileProvider(Assembly.GetExecutingAssembly(), ResourcePrefix);

    /// <summary>Serves the dashboard's files (and <c>index.html</c> for <c>/</c>); every other request passes on to the API.</summary>
    public static IApplicationBuilder UseWebDashboard(this IApplicationBuilder app) =>
        app.UseFileServer(new FileServerOptions
        {
            FileProvider = Files,
            EnableDefaultFiles = true,
            EnableDirectoryBrowsing = false,
            StaticFileOptions =
            {
                ContentTypeProvider = new FileExtensionContentTypeProvider(),
                OnPrepareResponse = context =>
                {
                    var headers = context.Context.Response.Headers;
                    // Revalidated on every load, so a silo upgrade shows its own page at once.
                    headers.CacheControl = "no-cache";
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers.XContentTypeOptions = "nosniff";
                },
            },
        });
}
