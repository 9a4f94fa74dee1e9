using System.Diagnostics;

namespace GrainFlow.Testing.Processes;

/// <summary>Runs a process to its end with captured output, killing it (and failing) when it outlives the timeout.</summary>
public static class ProcessRun
{
    /// <param name="stdin">The bytes the process reads from its standard input (none by default).</param>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> ToExitAsync(ProcessStartInfo start, TimeSpan timeout, byte[]? stdin = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        if (stdin is not null) await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(start.ArgumentList.FirstOrDefault() ?? start.FileName)} did not exit within {timeout}. Output:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
