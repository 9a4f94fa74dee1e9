namespace GrainFlow.Client.Output;

/// <summary>The three streams a command talks through (the process console, or writers a test supplies).</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, TextReader In)
{
    public static CliConsole System => new(Console.Out, Console.Error, Console.In);
}
