namespace GrainFlow.Paths;

/// <summary>
/// Decides whether a path given through the REST API (savepoint target, restore path, savepoint to
/// dispose) may be used. When enforced, it must lie under one of the configured roots; otherwise any
/// path is passed on as given.
/// </summary>
public sealed class AllowedRoots
{
    private readonly IReadOnlyList<StorageLocation> _roots;

    private AllowedRoots(bool enforced, IReadOnlyList<StorageLocation> roots)
    {
        Enforced = enforced;
        _roots = roots;
    }

    /// <summary>False on loopback without configured roots: then the caller may use any path the silo may write.</summary>
    public bool Enforced { get; }

    public IReadOnlyList<StorageLocation> Roots => _roots;

    public static AllowedRoots AnyPath { get; } = new(false, []);

    /// <param name="roots">The configured roots (already validated by <see cref="Problem"/>).</param>
    /// <param name="enforce">True beyond loopback, where the roots are required.</param>
    public static AllowedRoots From(IReadOnlyList<string> roots, bool enforce)
    {
        var parsed = roots.Select(r => StorageLocation.TryParse(r, out var location, out var problem)
            ? location
            : throw new ArgumentException($"Allowed root '{r}' is invalid: {problem}.", nameof(roots))).ToList();
        return new AllowedRoots(enforce || parsed.Count > 0, parsed);
    }

    /// <summary>Splits the value of <c>grainflow.rest.allowed-roots</c>.</summary>
    public static IReadOnlyList<string> Split(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Why a configured value is not a list of roots, or null when it is.</summary>
    public static string? Problem(string value)
    {
        foreach (var root in Split(value))
        {
            if (!StorageLocation.TryParse(root, out _, out var problem)) return $"the root '{root}' is unusable: {problem}";
        }
        return null;
    }

    /// <summary>Null when <paramref name="path"/> may be used, else why not (for a 400 naming <paramref name="field"/>).</summary>
    public string? Check(string path, string field)
    {
        if (!Enforced) return null;
        if (!StorageLocation.TryParse(path, out var location, out var problem))
        {
            return $"The {field} '{path}' is refused: {problem}.";
        }
        if (_roots.Count == 0)
        {
            return $"The {field} '{path}' is refused: this REST API listens beyond loopback and no allowed roots are configured; " +
                "set grainflow.rest.allowed-roots to the directories savepoints may use.";
        }
        if (_roots.Any(root => root.Contains(location))) return null;
        return $"The {field} '{path}' is refused: it is not under an allowed root ({string.Join(", ", _roots)}). " +
            "Use a location under one of them, or add its root to grainflow.rest.allowed-roots.";
    }
}
