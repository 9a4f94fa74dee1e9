using System.Net;
using System.Text.Json.Nodes;
using GrainFlow.Jobs;
using GrainFlow.Silo.Examples;
using GrainFlow.Silo.Tests.Fixtures;

namespace GrainFlow.Silo.Tests.Rest;

/// <summary>Checkpoint statistics, configuration, details and the manual checkpoint over HTTP, checked against the files on disk.</summary>
[Collection(LoopbackRestCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class CheckpointEndpointTests(LoopbackRestFixture fixture)
{
    private Task<JobId> SubmitCheckpointedAsync(string interval, IReadOnlyDictionary<string, string>? extra = null) =>
        fixture.Rest.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>(extra ?? new Dictionary<string, string>())
        {
            ["records"] = "100000000", ["records-per-second"] = "2000", ["sink"] = "discard",
            ["execution.checkpointing.interval"] = interval,
            ["execution.checkpointing.dir"] = fixture.Rest.Directory.Combine("checkpoints"),
        });

    private async Task WaitForCompletedAsync(JobId jobId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await fixture.Rest.Cluster.Job(jobId).GetCheckpointStatsAsync()).Completed < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"fewer than {count} checkpoints completed");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task TheHistoryKeepsAsManyCheckpointsAsWebCheckpointsHistorySays()
    {
        var jobId = await SubmitCheckpointedAsync("100 ms", new Dictionary<string, string> { ["web.checkpoints.history"] = "3" });
        try
        {
            await WaitForCompletedAsync(jobId, 5);

            var reply = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints");

            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.True(reply.Object["counts"]!["completed"]!.GetValue<int>() >= 5, reply.Text);
            Assert.Equal(3, reply.Object["history"]!.AsArray().Count);
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task StatisticsHaveFlinksCountsSummaryLatestAndHistoryAndTheLatestPathExistsOnDisk()
    {
        var jobId = await SubmitCheckpointedAsync("100 ms");
        try
        {
            await WaitForCompletedAsync(jobId, 2);

            var reply = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints");

            Assert.Equal(HttpStatusCode.OK, reply.Status);
            var counts = reply.Object["counts"]!;
            Assert.True(counts["completed"]!.GetValue<int>() >= 2, reply.Text);
            Assert.Equal(0, counts["failed"]!.GetValue<int>());
            Assert.Equal(0, counts["restored"]!.GetValue<int>());
            Assert.Equal(counts["completed"]!.GetValue<int>() + counts["in_progress"]!.GetValue<int>(), counts["total"]!.GetValue<int>());
            foreach (var metric in new[] { "checkpointed_size", "state_size", "end_to_end_duration", "alignment_buffered", "processed_data", "persisted_data" })
            {
                var summary = reply.Object["summary"]![metric]!;
                Assert.True(summary["max"]!.GetValue<long>() >= summary["min"]!.GetValue<long>(), metric);
                Assert.NotNull(summary["p99"]);
            }
            var latest = reply.Object["latest"]!["completed"]!;
            Assert.Equal("completed", latest["className"]!.GetValue<string>());
            Assert.Equal("COMPLETED", latest["status"]!.GetValue<string>());
            Assert.Equal("CHECKPOINT", latest["checkpoint_type"]!.GetValue<string>());
            Assert.True(latest["state_size"]!.GetValue<long>() > 0);
            var id = latest["id"]!.GetValue<long>();
            Assert.Equal($"chk-{id}", new DirectoryInfo(latest["external_path"]!.GetValue<string>().TrimEnd('/')).Name);
            Assert.Null(reply.Object["latest"]!["savepoint"]);
            Assert.Null(reply.Object["latest"]!["restored"]);
            var history = reply.Object["history"]!.AsArray().Select(h => h!["id"]!.GetValue<long>()).ToList();
            Assert.Equal(history.OrderByDescending(h => h), history);

            var details = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints/details/{id}");
            Assert.Equal(HttpStatusCode.OK, details.Status);
            Assert.Equal(id, details.Object["id"]!.GetValue<long>());
            Assert.Equal(latest["num_subtasks"]!.GetValue<int>(), details.Object["num_acknowledged_subtasks"]!.GetValue<int>());
            // Flink's TaskCheckpointStatistics per vertex id: every subtask of each vertex acknowledged, and the parts add up.
            var tasks = details.Object["tasks"]!.AsObject();
            Assert.Equal(["count", "generator"], tasks.Select(t => t.Key).Order());
            Assert.All(tasks, t =>
            {
                Assert.Equal(id, t.Value!["id"]!.GetValue<long>());
                Assert.Equal("COMPLETED", t.Value["status"]!.GetValue<string>());
                Assert.Equal(t.Value["num_subtasks"]!.GetValue<int>(), t.Value["num_acknowledged_subtasks"]!.GetValue<int>());
                Assert.True(t.Value["end_to_end_duration"]!.GetValue<long>() >= 0);
            });
            Assert.Equal(details.Object["state_size"]!.GetValue<long>(), tasks.Sum(t => t.Value!["state_size"]!.GetValue<long>()));
            Assert.Equal(details.Object["num_subtasks"]!.GetValue<int>(), tasks.Sum(t => t.Value!["num_subtasks"]!.GetValue<int>()));
            Assert.Empty(latest["tasks"]!.AsObject()); // summaries leave tasks empty, as Flink's do
            // Flink's TaskCheckpointStatisticsWithSubtaskDetails: each subtask of the vertex, its parts adding up to the vertex's.
            var subtasks = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints/details/{id}/subtasks/count");
            Assert.Equal(HttpStatusCode.OK, subtasks.Status);
            var rows = subtasks.Object["subtasks"]!.AsArray();
            Assert.Equal(tasks["count"]!["num_subtasks"]!.GetValue<int>(), rows.Count);
            Assert.Equal(Enumerable.Range(0, rows.Count), rows.Select(r => r!["index"]!.GetValue<int>()));
            Assert.All(rows, r =>
            {
                Assert.Equal("completed", r!["status"]!.GetValue<string>());
                Assert.True(r["ack_timestamp"]!.GetValue<long>() >= details.Object["trigger_timestamp"]!.GetValue<long>());
                Assert.True(r["checkpoint"]!["sync"]!.GetValue<long>() >= 0 && r["checkpoint"]!["async"]!.GetValue<long>() >= 0);
            });
            Assert.Equal(tasks["count"]!["state_size"]!.GetValue<long>(), rows.Sum(r => r!["state_size"]!.GetValue<long>()));
            Assert.Equal(rows.Max(r => r!["end_to_end_duration"]!.GetValue<long>()), subtasks.Object["summary"]!["end_to_end_duration"]!["max"]!.GetValue<long>());
            var noVertex = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints/details/{id}/subtasks/nosuch");
            Assert.Equal(HttpStatusCode.NotFound, noVertex.Status);
            Assert.Contains("has no vertex 'nosuch'", noVertex.Error);
            var missing = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints/details/999999");
            Assert.Equal(HttpStatusCode.NotFound, missing.Status);
            Assert.StartsWith("Could not find checkpointing statistics for checkpoint 999999", missing.Error);
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task ConfigShowsTheJobsOwnCheckpointSettingsInMilliseconds()
    {
        var jobId = await SubmitCheckpointedAsync("2 s", new Dictionary<string, string>
        {
            ["execution.checkpointing.mode"] = "AT_LEAST_ONCE",
            ["execution.checkpointing.timeout"] = "45 s",
            ["execution.checkpointing.min-pause"] = "250 ms",
            ["execution.checkpointing.tolerable-failed-checkpoints"] = "3",
            ["execution.checkpointing.externalized-checkpoint-retention"] = "RETAIN_ON_CANCELLATION",
        });
        try
        {
            var reply = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints/config");

            Assert.Equal(HttpStatusCode.OK, reply.Status);
            var config = reply.Object;
            Assert.Equal("at_least_once", config["mode"]!.GetValue<string>());
            Assert.Equal(2000, config["interval"]!.GetValue<long>());
            Assert.Equal(45000, config["timeout"]!.GetValue<long>());
            Assert.Equal(250, config["min_pause"]!.GetValue<long>());
            Assert.Equal(1, config["max_concurrent"]!.GetValue<int>());
            Assert.Equal(3, config["tolerable_failed_checkpoints"]!.GetValue<int>());
            Assert.True(config["externalization"]!["enabled"]!.GetValue<bool>());
            Assert.False(config["externalization"]!["delete_on_cancellation"]!.GetValue<bool>());
            Assert.False(config["unaligned_checkpoints"]!.GetValue<bool>());
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task AManualCheckpointIsTriggeredPolledByItsRequestIdAndRetriedIdempotently()
    {
        // An interval long enough that only the manual trigger takes a checkpoint during the test.
        var jobId = await SubmitCheckpointedAsync("1 h");
        try
        {
            var triggerId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var trigger = await fixture.Http.PostJsonAsync($"/jobs/{jobId}/checkpoints", $$"""{"checkpointType":"FULL","triggerId":"{{triggerId}}"}""");
            Assert.Equal(HttpStatusCode.Accepted, trigger.Status);
            Assert.Equal(triggerId, trigger.Object["request-id"]!.GetValue<string>());

            var operation = await fixture.Http.PollCompletedAsync($"/jobs/{jobId}/checkpoints/{triggerId}");
            var checkpointId = operation["checkpointId"]!.GetValue<long>();
            Assert.Null(operation["failureCause"]);

            var stats = await fixture.Rest.Cluster.Job(jobId).GetCheckpointStatsAsync();
            Assert.Equal(checkpointId, stats.LatestCompleted!.Id);
            Assert.True(File.Exists(Path.Combine(stats.LatestCompleted.ExternalPath!, "_metadata")), stats.LatestCompleted.ExternalPath);

            var retry = await fixture.Http.PostJsonAsync($"/jobs/{jobId}/checkpoints", $$"""{"triggerId":"{{triggerId}}"}""");
            Assert.Equal(HttpStatusCode.Accepted, retry.Status);
            Assert.Equal(checkpointId, (await fixture.Rest.Cluster.Job(jobId).GetCheckpointStatsAsync()).LatestCompleted!.Id);

            var plain = await fixture.Http.PostJsonAsync($"/jobs/{jobId}/checkpoints");
            Assert.Equal(HttpStatusCode.Accepted, plain.Status);
            var second = await fixture.Http.PollCompletedAsync($"/jobs/{jobId}/checkpoints/{plain.Object["request-id"]!.GetValue<string>()}");
            Assert.Equal(checkpointId + 1, second["checkpointId"]!.GetValue<long>());
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        }
    }

    [Fact]
    public async Task WithoutCheckpointingAManualCheckpointIsAConflictAndTheConfigIsNotFound()
    {
        var jobId = await fixture.Rest.Cluster.SubmitAsync(KeyedCountJob.Name, new Dictionary<string, string>
        {
            ["records"] = "100000000", ["records-per-second"] = "1000", ["sink"] = "discard",
        });
        try
        {
            var trigger = await fixture.Http.PostJsonAsync($"/jobs/{jobId}/checkpoints", "{}");
            Assert.Equal(HttpStatusCode.Conflict, trigger.Status);
            Assert.Contains("execution.checkpointing.interval", trigger.Error);

            var config = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints/config");
            Assert.Equal(HttpStatusCode.NotFound, config.Status);
            Assert.Contains("Checkpointing is not enabled", config.Error);

            var stats = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints");
            Assert.Equal(0, stats.Object["counts"]!["total"]!.GetValue<int>());
            Assert.Equal(0, stats.Object["summary"]!["state_size"]!["max"]!.GetValue<long>());
        }
        finally
        {
            await fixture.Rest.Cluster.Job(jobId).CancelAsync();
        }

        var ended = await fixture.Http.PostJsonAsync($"/jobs/{jobId}/checkpoints");
        Assert.Equal(HttpStatusCode.Conflict, ended.Status);
        Assert.Contains("CANCELED", ended.Error);
        var unknownTrigger = await fixture.Http.GetJsonAsync($"/jobs/{jobId}/checkpoints/{new string('a', 32)}");
        Assert.Equal(HttpStatusCode.NotFound, unknownTrigger.Status);
    }
}
