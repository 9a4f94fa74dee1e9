using System.Diagnostics.CodeAnalysis;

namespace GrainFlow.Paths;

/// <summary>
/// A savepoint or checkpoint location reduced to what containment is decided on: the store it is in
/// (the local file system, or a blob endpoint) and its path segments there. The same forms as
/// <c>ObjectStoreFactory</c> accepts: an absolute path, <c>file://</c>, <c>http(s)://</c> and <c>azblob://</c> URLs.
/// </summary>
public sealed record StorageLocation(string Store, IReadOnlyList<string> Segments)
{
    private const string FileStore = "file";

    /// <summary>True when <paramref name="other"/> is this location or lies inside it.</summary>
    public bool Contains(StorageLocation other) =>
        Store == other.Store
        && other.Segments.Count >= Segments.Count
        && Segments.Select((s, i) => string.Equals(s, other.Segments[i], StringComparison.Ordinal)).All(same => same);

    public override string ToString() => Store == FileStore ? "/" + string.Join('/', Segments) : $"{Store}/{string.Join('/', Segments)}";

    /// <summary>Parses <paramref name="text"/>; a relative path, a '.' or '..' segment (also percent-encoded) or a query is refused.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out StorageLocation? location, [NotNullWhen(false)] out string? problem)
    {
        location = null;
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            problem = "the path is empty";
            return false;
        }
        if (Path.IsPathFullyQualified(trimmed) && !trimmed.Contains("://", StringComparison.Ordinal))
        {
            return TrySegments(FileStore, trimmed, out location, out problem);
        }
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || !trimmed.Contains("://", StringComparison.Ordinal))
        {
            problem = "it is not an absolute path or a URL (relative paths depend on the silo's working directory)";
            return false;
        }
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            problem = "a location cannot have a query or a fragment";
            return false;
        }
        // Uri already collapsed any '..' in AbsolutePath, so the segments are checked in the original text.
        var rawPath = trimmed[(trimmed.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var slash = rawPath.IndexOf('/');
        rawPath = slash < 0 ? "" : rawPath[slash..];
        switch (uri.Scheme)
        {
            case "file":
                return TrySegments(FileStore, rawPath, out location, out problem);
            case "azblob":
                // azblob://<container>/<folder>: the container is the first segment.
                return TrySegments("azblob://", uri.Host + "/" + rawPath, out location, out problem);
            case "http":
            case "https":
                return TrySegments($"{uri.Scheme}://{uri.Authority.ToLowerInvariant()}", rawPath, out location, out problem);
            default:
                problem = $"the scheme '{uri.Scheme}' is not a storage GrainFlow writes (use a path, file://, http(s):// or azblob://)";
                return false;
        }
    }

    private static bool TrySegments(string store, string path, [NotNullWhen(true)] out StorageLocation? location, [NotNullWhen(false)] out string? problem)
    {
        location = null;
        var segments = new List<string>();
        foreach (var raw in path.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = Uri.UnescapeDataString(raw);
            if (segment is "." or ".." || segment.Contains('/') || segment.Contains('\\'))
            {
                problem = "it contains a '.' or '..' segment; give the location without them";
                return false;
            }
            segments.Add(segment);
        }
        location = new StorageLocation(store, segments);
        problem = null;
        return true;
    }
}
