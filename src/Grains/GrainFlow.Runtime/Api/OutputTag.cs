namespace GrainFlow.Runtime.Api;

/// <summary>
/// Names a side output (Flink's OutputTag): an operator emits to it with <c>ctx.Output(tag, value)</c>
/// and <see cref="DataStream{T}.GetSideOutput{TSide}"/> reads it. Two tags are the same side output when
/// their ids and element types are equal; one id names one side output of one element type per job.
/// </summary>
public sealed class OutputTag<T> : IOutputTag, IEquatable<OutputTag<T>>
{
    public OutputTag(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("An OutputTag id must not be null or empty: name the side output, e.g. new OutputTag<T>(\"late-data\").", nameof(id));
        }
        Id = id;
    }

    public string Id { get; }

    Type IOutputTag.ElementType => typeof(T);

    public bool Equals(OutputTag<T>? other) => other is not null && other.Id == Id;

    public override bool Equals(object? obj) => Equals(obj as OutputTag<T>);

    public override int GetHashCode() => HashCode.Combine(Id, typeof(T));

    public override string ToString() => IOutputTag.Describe(Id, typeof(T));
}

/// <summary>The untyped face of an <see cref="OutputTag{T}"/>, for the job graph's checks.</summary>
internal interface IOutputTag
{
    string Id { get; }

    Type ElementType { get; }

    /// <summary>How messages name a tag: <c>OutputTag&lt;Int64&gt;("late")</c>.</summary>
    static string Describe(string id, Type elementType) => $"OutputTag<{TypeName(elementType)}>(\"{id}\")";

    private static string TypeName(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>"
        : type.Name;
}
