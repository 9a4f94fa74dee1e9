using System.Diagnostics;

namespace GrainFlow.Testing.Azurite;

/// <summary>
/// Finds the Azurite blob emulator that package.json pins (node_modules/.bin/azurite below the
/// repository root), running <c>npm install</c> once when it is missing.
/// </summary>
public static class AzuriteInstallation
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly SemaphoreSlim InProcessGate = new(1, 1);

    /// <summary>The directory holding Orleans.sln, found by walking up from the test binaries.</summary>
    public static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Could not find the repository root (a directory containing Orleans.sln) above '{AppContext.BaseDirectory}'.");
    }

    /// <summary>The azurite executable (blob, queue and table services), installed with npm first if needed.</summary>
    public static async Task<string> GetAzuritePathAsync(CancellationToken cancellationToken = default)
    {
        var root = FindRepositoryRoot();
        var path = BinaryPath(root);
        if (File.Exists(path))
        {
            return path;
        }

        // Several test assemblies may start at once: one process installs, the others wait for it.
        await InProcessGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var crossProcessLock = await AcquireFileLockAsync(Path.Combine(Path.GetTempPath(), "grainflow-npm-install.lock"), cancellationToken).ConfigureAwait(false);
            if (!File.Exists(path))
            {
                await RunNpmInstallAsync(root, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            InProcessGate.Release();
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"'npm install' in '{root}' finished but '{path}' does not exist. Check that package.json lists the 'azurite' devDependency.");
        }

        return path;
    }

    private static string BinaryPath(string root) =>
        Path.Combine(root, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");

    private static async Task<FileStream> AcquireFileLockAsync(string lockPath, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + InstallTimeout;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive lock between processes (flock on Unix). The file is
                // left behind on purpose: deleting a lock file lets two waiters lock different inodes.
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task RunNpmInstallAsync(string root, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "install", "--no-audit", "--no-fund" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"Azurite is not installed ('{BinaryPath(root)}' is missing) and npm could not be started to install it: {ex.Message}. Install Node.js (with npm) and run 'npm install' in '{root}'.",
                ex);
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InstallTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'npm install' in '{root}' did not finish within {InstallTimeout.TotalMinutes} minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'npm install' in '{root}' failed with exit code {process.ExitCode}:{Environment.NewLine}{await stderr.ConfigureAwait(false)}{Environment.NewLine}{await stdout.ConfigureAwait(false)}");
        }
    }
}
