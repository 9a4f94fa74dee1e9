using GrainFlow.Jobs;

namespace GrainFlow.Client.Output;

/// <summary>
/// Prints the job list in the layout of Flink's <c>flink list</c>: a section per group (running and
/// restarting, scheduled, terminated), each row <c>dd.MM.yyyy HH:mm:ss : &lt;jobId&gt; : &lt;name&gt; (STATUS)</c>.
/// </summary>
internal static class JobListPrinter
{
    public const string RunningHeader = "------------------ Running/Restarting Jobs -------------------";
    public const string ScheduledHeader = "----------------------- Scheduled Jobs -----------------------";
    public const string TerminatedHeader = "---------------------- Terminated Jobs -----------------------";
    public const string Footer = "--------------------------------------------------------------";
    public const string NoRunningJobs = "No running jobs.";
    public const string NoScheduledJobs = "No scheduled jobs.";

    /// <summary>Which sections to print. Flink's default (no flag) is running and scheduled.</summary>
    public readonly record struct Sections(bool Running, bool Scheduled, bool Terminated)
    {
        public static Sections From(bool running, bool scheduled, bool all) =>
            all ? new(true, true, true)
            : !running && !scheduled ? new(true, true, false)
            : new(running, scheduled, false);
    }

    public static void Print(TextWriter output, IEnumerable<JobSummary> jobs, Sections sections)
    {
        var scheduled = new List<JobSummary>();
        var running = new List<JobSummary>();
        var terminated = new List<JobSummary>();
        foreach (var job in jobs)
        {
            if (job.Status == JobStatus.Created) scheduled.Add(job);
            else if (job.Status.IsTerminal()) terminated.Add(job);
            else running.Add(job);
        }

        if (sections.Running) PrintSection(output, RunningHeader, running, NoRunningJobs);
        if (sections.Scheduled) PrintSection(output, ScheduledHeader, scheduled, NoScheduledJobs);
        // Like Flink, an empty terminated section prints nothing at all.
        if (sections.Terminated && terminated.Count > 0) PrintSection(output, TerminatedHeader, terminated, emptyLine: null);
    }

    public static string FormatRow(JobSummary job) =>
        $"{FlinkTime.Format(job.StartTime)} : {job.JobId} : {job.Name} ({job.Status.ToFlinkName()})";

    private static void PrintSection(TextWriter output, string header, List<JobSummary> jobs, string? emptyLine)
    {
        if (jobs.Count == 0)
        {
            if (emptyLine is not null) output.WriteLine(emptyLine);
            return;
        }

        output.WriteLine(header);
        foreach (var job in jobs
            .OrderBy(j => j.StartTime)
            .ThenBy(j => j.Status.ToFlinkName(), StringComparer.Ordinal)
            .ThenBy(j => j.JobId.Value, StringComparer.Ordinal))
        {
            output.WriteLine(FormatRow(job));
        }
        output.WriteLine(Footer);
    }
}
