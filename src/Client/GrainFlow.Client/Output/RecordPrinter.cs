using GrainFlow.Topics;

namespace GrainFlow.Client.Output;

/// <summary>Prints a topic record as <c>&lt;partition&gt;:&lt;offset&gt;\t[key=&lt;key&gt;\t]&lt;text&gt;</c>, key and text escaped (<see cref="VisibleText"/>).</summary>
internal static class RecordPrinter
{
    public static string Format(StoredTopicRecord stored)
    {
        var text = VisibleText.Escape(stored.Record.Value);
        return stored.Record.Key is { } key
            ? $"{stored.Partition}:{stored.Offset}\tkey={VisibleText.Escape(key)}\t{text}"
            : $"{stored.Partition}:{stored.Offset}\t{text}";
    }
}
