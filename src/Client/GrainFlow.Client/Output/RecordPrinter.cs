using GrainFlow.Topics;

namespace GrainFlow.Client.Output;

/// <summary>Prints a topic record as <c>&lt;partition&gt;:&lt;offset&gt;\t[key=&lt;key&gt;\t]&lt;text&gt;</c>.</summary>
internal static class RecordPrinter
{
    public static string Format(StoredTopicRecord stored)
    {
        var text = stored.Record.ValueAsText();
        return stored.Record.Key is { } key
            ? $"{stored.Partition}:{stored.Offset}\tkey={key}\t{text}"
            : $"{stored.Partition}:{stored.Offset}\t{text}";
    }
}
