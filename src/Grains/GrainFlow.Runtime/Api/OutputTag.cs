namespace GrainFlow.Runtime.Api;

/// <summary>Names a side output of an operator, carrying records of <typeparamref name="T"/> (Flink's <c>OutputTag</c>).</summary>
public sealed class OutputTag<T>(string id)
{
    public string Id { get; } = !string.IsNullOrWhiteSpace(id) ? id : throw new ArgumentException("An output tag needs a non-empty id that names the side output.", nameof(id));

    public override string ToString() => $"OutputTag({Id}, {typeof(T).Name})";
}
