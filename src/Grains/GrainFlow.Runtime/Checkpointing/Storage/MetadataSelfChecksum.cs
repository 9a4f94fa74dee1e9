using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// The checksum <c>_metadata</c> carries of itself (property <c>metadataChecksum</c>, <c>"xxh3:&lt;16 hex digits&gt;"</c>):
/// the XXH3-64 of the file's exact bytes with the 16 digits written as zeros. Byte-exact rather than
/// over the parsed content, so that any change — even one that still parses — is detected.
/// </summary>
internal static class MetadataSelfChecksum
{
    private const string PropertyName = "metadataChecksum";
    private const string Prefix = StateChecksum.Xxh3 + ":";
    private const int Digits = 16;

    /// <summary>What the property holds while the checksum is computed.</summary>
    public const string Placeholder = Prefix + "0000000000000000";

    /// <summary>Replaces the placeholder in <paramref name="json"/> with the checksum of <paramref name="json"/>.</summary>
    public static void Seal(byte[] json)
    {
        var digits = DigitsOf(json) ?? throw new InvalidOperationException("The metadata has no checksum placeholder.");
        var value = StateChecksum.Compute(StateChecksum.Xxh3, json).ToString("x16", CultureInfo.InvariantCulture);
        Encoding.ASCII.GetBytes(value, json.AsSpan(digits, Digits));
    }

    /// <exception cref="InvalidDataException">The checksum is absent, malformed or differs from the bytes.</exception>
    public static void Verify(byte[] json, string file)
    {
        var digits = DigitsOf(json) ?? throw new InvalidDataException(
            $"'{file}' is damaged: it has no valid {PropertyName} (expected \"{Prefix}\" and {Digits} hex digits).");
        var recorded = Encoding.ASCII.GetString(json, digits, Digits);
        var zeroed = (byte[])json.Clone();
        zeroed.AsSpan(digits, Digits).Fill((byte)'0');
        var actual = StateChecksum.Compute(StateChecksum.Xxh3, zeroed).ToString("x16", CultureInfo.InvariantCulture);
        if (!string.Equals(recorded, actual, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"'{file}' is damaged: its checksum is {Prefix}{recorded} but its content hashes to {Prefix}{actual} (the file was changed or garbled after it was written).");
        }
    }

    /// <summary>Where the 16 digits of the top-level checksum property start, or null when there is none of the expected form.</summary>
    private static int? DigitsOf(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1 || !reader.ValueTextEquals(PropertyName)) continue;
                if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.ValueSpan.Length != Prefix.Length + Digits) return null;
                if (!reader.ValueSpan.StartsWith(Encoding.ASCII.GetBytes(Prefix))) return null;
                // A string token starts at its opening quote.
                return (int)reader.TokenStartIndex + 1 + Prefix.Length;
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return null;
    }
}
