using System.Text;

namespace GrainFlow.Client.Output;

/// <summary>
/// Text from a topic made safe for a terminal: control characters (which could move the cursor, change
/// colours or fake a line of output) and bytes that are not UTF-8 are printed as escapes — <c>\n</c>,
/// <c>\r</c>, <c>\t</c>, <c>\xNN</c> (another ASCII control, or a byte that is not UTF-8), <c>\uNNNN</c> (a C1 control) — and a backslash as <c>\\</c>, so every printed line is exactly one record.
/// </summary>
internal static class VisibleText
{
    public static string Escape(ReadOnlySpan<byte> utf8)
    {
        var text = new StringBuilder(utf8.Length);
        while (!utf8.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(utf8, out var rune, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                foreach (var b in utf8[..consumed]) text.Append($"\\x{b:X2}");
            }
            else
            {
                Append(text, rune);
            }
            utf8 = utf8[consumed..];
        }
        return text.ToString();
    }

    public static string Escape(string text) => Escape(Encoding.UTF8.GetBytes(text));

    private static void Append(StringBuilder text, Rune rune)
    {
        switch (rune.Value)
        {
            case '\\': text.Append(@"\\"); break;
            case '\n': text.Append(@"\n"); break;
            case '\r': text.Append(@"\r"); break;
            case '\t': text.Append(@"\t"); break;
            case var c when Rune.IsControl(rune): text.Append(c < 0x80 ? $"\\x{c:X2}" : $"\\u{c:X4}"); break;
            default: text.Append(rune.ToString()); break;
        }
    }
}
