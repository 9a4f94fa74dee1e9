namespace GrainFlow.Client.Output;

/// <summary>Makes a message fit on one line, as the CLI prints every error.</summary>
internal static class SingleLine
{
    /// <summary>Collapses whitespace and line breaks and caps the length.</summary>
    public static string Of(string? text, int maxLength = int.MaxValue)
    {
        var flat = string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= maxLength ? flat : string.Concat(flat.AsSpan(0, maxLength - 1), "…");
    }
}
