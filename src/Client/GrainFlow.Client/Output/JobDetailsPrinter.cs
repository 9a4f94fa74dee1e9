using GrainFlow.Jobs;

namespace GrainFlow.Client.Output;

/// <summary>Prints <c>grainflow status</c>: the job's fields, one line per vertex, and the failure if any.</summary>
internal static class JobDetailsPrinter
{
    public static void Print(TextWriter output, JobDetails details, bool verbose)
    {
        output.WriteLine($"Job ID:          {details.JobId}");
        output.WriteLine($"Name:            {details.Name}");
        output.WriteLine($"Status:          {details.Status.ToFlinkName()}");
        output.WriteLine($"Start time:      {FlinkTime.Format(details.StartTime)}");
        output.WriteLine($"End time:        {(details.EndTime is { } end ? FlinkTime.Format(end) : "-")}");
        output.WriteLine($"Attempt:         {details.Attempt}");
        output.WriteLine($"Max parallelism: {details.MaxParallelism}");
        if (details.StateOrigin.Length > 0) output.WriteLine($"State:           {details.StateOrigin}");

        output.WriteLine($"Vertices ({details.Vertices.Count}):");
        foreach (var vertex in details.Vertices)
        {
            output.WriteLine("  " + FormatVertex(vertex));
        }

        if (details.Failure is { } failure)
        {
            output.WriteLine($"Failure:         {FormatFailure(failure)}");
            if (verbose)
            {
                output.WriteLine($"Failure origin:  {failure.Origin} at {FlinkTime.Format(failure.Timestamp)}");
                output.WriteLine(failure.StackTrace);
            }
        }
    }

    public static string FormatVertex(VertexDetails vertex) =>
        $"{vertex.Uid} : {vertex.Name} (parallelism {vertex.Parallelism}, finished {vertex.FinishedSubtasks}/{vertex.Parallelism}, operators: {string.Join(", ", vertex.OperatorUids)})";

    /// <summary><c>&lt;exception type&gt;: &lt;message&gt;</c> on one line.</summary>
    public static string FormatFailure(FailureCause failure) =>
        $"{failure.ExceptionType}: {SingleLine.Of(failure.Message)}";
}
