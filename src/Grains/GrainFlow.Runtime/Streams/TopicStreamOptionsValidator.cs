using GrainFlow.Errors;
using GrainFlow.Runtime.Hosting;
using GrainFlow.Runtime.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GrainFlow.Runtime.Streams;

/// <summary>
/// Rejects a malformed <see cref="TopicStreamOptions"/> before the silo or client starts, naming every
/// bad option and the provider, instead of failing later inside a pulling agent.
/// </summary>
internal sealed class TopicStreamOptionsValidator(TopicStreamOptions options, string providerName, bool siloSide, IServiceProviderIsService services)
    : IConfigurationValidator
{
    public static IConfigurationValidator Create(IServiceProvider services, string providerName, bool siloSide) =>
        new TopicStreamOptionsValidator(
            services.GetRequiredService<IOptionsMonitor<TopicStreamOptions>>().Get(providerName),
            providerName,
            siloSide,
            services.GetRequiredService<IServiceProviderIsService>());

    public void ValidateConfiguration()
    {
        var problems = Problems().ToList();
        if (problems.Count > 0)
        {
            throw new OrleansConfigurationException($"Stream provider '{providerName}' is misconfigured:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        }
    }

    private IEnumerable<string> Problems()
    {
        const string type = nameof(TopicStreamOptions);
        // The provider name is part of the checkpoint keys in the object store.
        if (!IsValidTopicName(providerName))
        {
            yield return $"The provider name '{providerName}' must be 1 to 200 letters, digits, '.', '_' or '-' (it names the provider's checkpoints in storage).";
        }
        if (options.TopicPrefix is null || (options.TopicPrefix.Length > 0 && !IsValidTopicName(options.TopicPrefix + "x")))
        {
            yield return $"{type}.{nameof(TopicStreamOptions.TopicPrefix)} '{options.TopicPrefix}' must consist of letters, digits, '.', '_' or '-'.";
        }
        if (options.QueueCount is < 1 or > TopicStreamOptions.MaxQueueCount)
        {
            yield return $"{type}.{nameof(TopicStreamOptions.QueueCount)} must be from 1 to {TopicStreamOptions.MaxQueueCount}; it is {options.QueueCount}.";
        }
        if (options.CacheSize < 1)
        {
            yield return $"{type}.{nameof(TopicStreamOptions.CacheSize)} must be at least 1; it is {options.CacheSize}.";
        }
        if (options.ReadBatchSize is < 1 or > TopicStreamOptions.MaxReadBatchSize)
        {
            yield return $"{type}.{nameof(TopicStreamOptions.ReadBatchSize)} must be from 1 to {TopicStreamOptions.MaxReadBatchSize}; it is {options.ReadBatchSize}.";
        }
        if (options.TopicRefreshInterval <= TimeSpan.Zero)
        {
            yield return $"{type}.{nameof(TopicStreamOptions.TopicRefreshInterval)} must be positive; it is {options.TopicRefreshInterval}.";
        }
        if (options.CheckpointInterval <= TimeSpan.Zero)
        {
            yield return $"{type}.{nameof(TopicStreamOptions.CheckpointInterval)} must be positive; it is {options.CheckpointInterval}.";
        }
        foreach (var streamNamespace in options.Namespaces ?? [])
        {
            if (!IsValidTopicName((options.TopicPrefix ?? "") + streamNamespace))
            {
                yield return $"{type}.{nameof(TopicStreamOptions.Namespaces)} holds '{streamNamespace}', which with the prefix '{options.TopicPrefix}' is not a valid topic name (1 to 200 letters, digits, '.', '_' or '-').";
            }
        }
        // Receivers keep their checkpoints in GrainFlow's object store and read GrainFlow topics.
        if (siloSide && !services.IsService(typeof(GrainFlowStores)))
        {
            yield return $"AddTopicStreams(\"{providerName}\") needs the GrainFlow runtime on the same silo: call siloBuilder.AddGrainFlow(...) as well.";
        }
    }

    private static bool IsValidTopicName(string name)
    {
        try
        {
            TopicLayout.ValidateName(name);
            return true;
        }
        catch (TopicException)
        {
            return false;
        }
    }
}
