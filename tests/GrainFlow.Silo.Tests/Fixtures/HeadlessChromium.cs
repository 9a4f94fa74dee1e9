using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace GrainFlow.Silo.Tests.Fixtures;

/// <summary>
/// Debian's chromium in headless mode, driven through the system chromedriver (both installed by
/// .ci/run). Disposing ends chromedriver, the browser and every process they started, so a test run
/// leaves no chromium behind even when the browser does not close cleanly.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly ChromeDriverService _service;
    private readonly string _profile;

    public HeadlessChromium()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
        {
            throw new InvalidOperationException($"The browser tests need {ChromiumPath} and {DriverPath}: apt-get install -y chromium chromium-driver (.ci/run does).");
        }
        _profile = Directory.CreateTempSubdirectory("grainflow-chromium-").FullName;
        _service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        _service.SuppressInitialDiagnosticInformation = true;
        _service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,1000",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking", $"--user-data-dir={_profile}");
        try
        {
            Driver = new ChromeDriver(_service, options, TimeSpan.FromSeconds(60));
        }
        catch
        {
            // chromedriver may be running already; it must not outlive a browser that never came up.
            var started = LinuxProcesses.TreeOf(_service.ProcessId).Select(LinuxProcesses.Identify).OfType<(int, string)>().ToList();
            _service.Dispose();
            foreach (var process in started) LinuxProcesses.KillIfStillThere(process);
            throw;
        }
    }

    public IWebDriver Driver { get; }

    /// <summary>The process ids of chromedriver and everything it started (the browser and its helpers).</summary>
    public IReadOnlyList<int> ProcessTree() => LinuxProcesses.TreeOf(_service.ProcessId);

    public void Dispose()
    {
        // Taken before quitting: once chromedriver is gone, its orphans no longer point back to it.
        var started = LinuxProcesses.TreeOf(_service.ProcessId).Select(LinuxProcesses.Identify).OfType<(int, string)>().ToList();
        try
        {
            Driver.Quit();
        }
        catch (WebDriverException)
        {
            // The browser is already gone or hung; what is left is ended below.
        }
        Driver.Dispose();
        _service.Dispose();
        foreach (var process in started) LinuxProcesses.KillIfStillThere(process);
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A helper still flushing its cache; the temporary directory is the system's to clean.
        }
    }
}

/// <summary>Reads /proc to find the processes a test started, identified by id and start time (so a reused id is never killed).</summary>
public static class LinuxProcesses
{
    public static IReadOnlyList<int> TreeOf(int root)
    {
        // A service that never started has no process id (0, whose "children" would be every process).
        if (root <= 1 || root == Environment.ProcessId) return [];
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } stat) parents[pid] = stat.Parent;
        }
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++) tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        return tree.Where(parents.ContainsKey).ToList();
    }

    public static bool IsRunning(int pid) => Stat(pid) is { State: not 'Z' };

    public static (int Pid, string StartTime)? Identify(int pid) => Stat(pid) is { } stat ? (pid, stat.StartTime) : null;

    public static void KillIfStillThere((int Pid, string StartTime) process)
    {
        if (Stat(process.Pid) is not { } stat || stat.StartTime != process.StartTime || stat.State == 'Z') return;
        try
        {
            System.Diagnostics.Process.GetProcessById(process.Pid).Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It ended meanwhile.
        }
    }

    // /proc/<pid>/stat: "pid (comm) state ppid … starttime(22nd field)"; comm may hold spaces, so fields are counted after the last ')'.
    private static (char State, int Parent, string StartTime)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture), fields[19]);
    }
}
