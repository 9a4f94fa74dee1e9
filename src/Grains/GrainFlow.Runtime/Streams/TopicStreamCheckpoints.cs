using System.Globalization;
using System.Text;
using GrainFlow.Storage;

namespace GrainFlow.Runtime.Streams;

/// <summary>
/// Where a provider's queues remember, per topic partition, the offset to read from after a restart:
/// <c>streams/&lt;provider&gt;/checkpoints/&lt;topic&gt;/&lt;partition&gt;</c> in GrainFlow's object store,
/// holding the offset as text. One object per partition, so changing the queue count keeps them valid.
/// </summary>
internal sealed class TopicStreamCheckpoints(IObjectStore store, string providerName)
{
    public async Task<long?> LoadAsync(string topic, int partition, CancellationToken cancellationToken = default)
    {
        var stored = await store.GetAsync(KeyOf(topic, partition), cancellationToken);
        if (stored is null) return null;
        var text = Encoding.UTF8.GetString(stored.Data);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : throw new FormatException($"The checkpoint of stream provider '{providerName}' for topic '{topic}' partition {partition} in {store.Location} is not an offset: '{text}'.");
    }

    public Task SaveAsync(string topic, int partition, long offset, CancellationToken cancellationToken = default) =>
        store.PutAsync(KeyOf(topic, partition), Encoding.UTF8.GetBytes(offset.ToString(CultureInfo.InvariantCulture)), cancellationToken: cancellationToken);

    private string KeyOf(string topic, int partition) => $"streams/{providerName}/checkpoints/{topic}/{partition:D4}";
}
