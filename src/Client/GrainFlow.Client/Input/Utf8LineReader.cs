using System.Text;

namespace GrainFlow.Client.Input;

/// <summary>
/// Reads lines of UTF-8 from raw bytes, so a line that is not valid UTF-8 is refused with its line number
/// instead of being decoded into U+FFFD (a text reader would replace the bytes, and decodes a whole buffer
/// ahead, so it could not say which line). Lines end at '\n', a '\r' before it is dropped, a UTF-8 byte
/// order mark at the start is skipped.
/// </summary>
internal sealed class Utf8LineReader : IDisposable
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream? _stream;
    private readonly TextReader? _text;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _line = new();
    private int _start;
    private int _end;
    private bool _atEnd;

    private Utf8LineReader(Stream? stream, TextReader? text)
    {
        _stream = stream;
        _text = text;
    }

    public static Utf8LineReader Open(Stream stream) => new(stream, null);

    /// <summary>
    /// The bytes under a <see cref="StreamReader"/> that has read nothing yet (the CLI's stdin); any other
    /// reader (an application that runs the CLI in-process) has decoded its text already and is read as text.
    /// </summary>
    public static Utf8LineReader Of(TextReader reader) => reader is StreamReader { BaseStream: var stream } ? new(stream, null) : new(null, reader);

    /// <summary>The number of the line last read (1-based), also when it was refused.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The next line, or null at the end of the input.</summary>
    /// <exception cref="InvalidDataException">The line is not valid UTF-8, or the input is UTF-16 or UTF-32; the message names the line.</exception>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (_text is not null)
        {
            var text = await _text.ReadLineAsync(cancellationToken);
            if (text is not null) LineNumber++;
            return text;
        }
        _line.SetLength(0);
        while (true)
        {
            if (_start == _end)
            {
                if (_atEnd) break;
                _start = 0;
                _end = await _stream!.ReadAsync(_buffer, cancellationToken);
                if (_end == 0)
                {
                    _atEnd = true;
                    break;
                }
            }
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            _line.Write(_buffer, _start, stop - _start);
            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0) return Decode(endedByNewline: true);
        }
        return _line.Length > 0 ? Decode(endedByNewline: false) : null;
    }

    private string Decode(bool endedByNewline)
    {
        LineNumber++;
        var bytes = _line.GetBuffer().AsSpan(0, (int)_line.Length);
        if (endedByNewline && bytes.EndsWith("\r"u8)) bytes = bytes[..^1];
        if (LineNumber == 1)
        {
            if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            {
                throw new InvalidDataException("The input starts with a UTF-16 or UTF-32 byte order mark: publish reads UTF-8 only; convert it (e.g. iconv -f utf-16 -t utf-8)");
            }
            if (bytes.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var bad = e.BytesUnknown is { Length: > 0 } unknown ? $" (byte 0x{unknown[0]:X2}{(e.Index >= 0 ? $" at position {e.Index + 1}" : "")})" : "";
            throw new InvalidDataException($"Line {LineNumber} is not valid UTF-8{bad}");
        }
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _line.Dispose();
    }
}
