using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using GrainFlow.Storage.AzureBlob;
using Xunit;
using GrainFlow.Testing.Network;

namespace GrainFlow.Testing.Azurite;

/// <summary>
/// Runs one Azurite (the version package.json pins) on free loopback ports for the tests of an
/// assembly: the blob service, and the table service for Orleans' Azure Storage clustering, with its data in a temporary directory that is deleted afterwards.
/// </summary>
/// <remarks>
/// Use through a collection (see <see cref="AzuriteCollection"/>) so that the process starts once per
/// test assembly. Azurite is a single Node process: fine for functional tests, not a speed reference.
/// <see cref="OAuthAzuriteFixture"/> runs it over https with OAuth instead.
/// </remarks>
public class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (public, not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const int StartAttempts = 3;

    private readonly StringBuilder _output = new();
    // Set: Azurite serves https with this certificate and takes OAuth bearer tokens as well as the account key.
    private readonly LoopbackCertificate? _certificate;
    private Process? _process;
    private string? _dataDirectory;
    private int _containerCounter;

    public AzuriteFixture()
    {
    }

    /// <summary>Azurite over https with <paramref name="certificate"/>, taking OAuth tokens (<c>--oauth basic</c>); the fixture owns the certificate.</summary>
    protected AzuriteFixture(LoopbackCertificate certificate)
    {
        _certificate = certificate;
    }

    private string Scheme => _certificate is null ? "http" : "https";

    /// <summary>The port Azurite listens on (127.0.0.1).</summary>
    public int Port { get; private set; }

    /// <summary>The port of the table service (127.0.0.1).</summary>
    public int TablePort { get; private set; }

    // Azurite always starts its queue service too; nothing uses it, but it needs a free port.
    private int _queuePort;

    /// <summary>A connection string for the emulator's development account (blob and table endpoints).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The blob endpoint, e.g. http://127.0.0.1:12345/devstoreaccount1.</summary>
    public string BlobEndpoint => $"{Scheme}://127.0.0.1:{Port}/{AccountName}";

    /// <summary>A client for the emulator, with the same bounded retries as production clients.</summary>
    public BlobServiceClient BlobServiceClient { get; private set; } = null!;

    /// <summary>A connection string for Azurite's development account at <paramref name="port"/> (blob) and <paramref name="tablePort"/> on 127.0.0.1.</summary>
    public static string CreateConnectionString(int port, int? tablePort = null, string scheme = "http") =>
        $"DefaultEndpointsProtocol={scheme};AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={scheme}://127.0.0.1:{port}/{AccountName};" +
        (tablePort is { } table ? $"TableEndpoint={scheme}://127.0.0.1:{table}/{AccountName};" : "");

    /// <summary>A port where nothing listens, for tests of a storage outage. Dispose it after the test.</summary>
    public static UnreachableBlobEndpoint CreateUnreachableEndpoint() => new();

    /// <summary>A store on <paramref name="containerName"/> (created on first write), optionally in a folder of it.</summary>
    public AzureBlobObjectStore CreateStore(string containerName, string? keyPrefix = null) =>
        new(BlobServiceClient, containerName, keyPrefix);

    /// <summary>A store on a container no other test uses, so tests can run without cleaning up.</summary>
    public AzureBlobObjectStore CreateStoreOnNewContainer(string namePrefix = "test") =>
        CreateStore(NewContainerName(namePrefix));

    /// <summary>A unique, valid container name starting with <paramref name="namePrefix"/>.</summary>
    public string NewContainerName(string namePrefix = "test")
    {
        var counter = Interlocked.Increment(ref _containerCounter);
        var name = $"{namePrefix.ToLowerInvariant()}-{counter}-{Guid.NewGuid():N}";
        return name.Length <= 63 ? name : name[..63].TrimEnd('-');
    }

    public async Task InitializeAsync()
    {
        var azurite = await AzuriteInstallation.GetAzuritePathAsync().ConfigureAwait(false);
        _dataDirectory = Directory.CreateTempSubdirectory("grainflow-azurite-").FullName;

        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort.Find();
            TablePort = FreeLoopbackPort.Find();
            _queuePort = FreeLoopbackPort.Find();
            ConnectionString = CreateConnectionString(Port, TablePort, Scheme);
            BlobServiceClient = new BlobServiceClient(ConnectionString, ClientOptions());
            StartProcess(azurite);
            try
            {
                await WaitUntilReadyAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception) when (attempt < StartAttempts && _process is { HasExited: true })
            {
                // Most likely another process took the port between choosing and binding it.
                StopProcess();
            }
            catch
            {
                StopProcess();
                throw;
            }
        }
    }

    /// <summary>Stops the emulator (its data stays), for tests of a storage outage; <see cref="StartAgainAsync"/> brings it back.</summary>
    public void Stop() => StopProcess();

    /// <summary>Starts the stopped emulator again on the same port with the same data.</summary>
    public async Task StartAgainAsync()
    {
        StartProcess(await AzuriteInstallation.GetAzuritePathAsync().ConfigureAwait(false));
        await WaitUntilReadyAsync().ConfigureAwait(false);
    }

    /// <summary>The production client options; over https, trusting Azurite's certificate.</summary>
    private BlobClientOptions ClientOptions()
    {
        var options = AzureBlobObjectStore.CreateClientOptions();
        if (_certificate is { } certificate)
        {
            options.Transport = new HttpClientTransport(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, presented, _, errors) => errors == SslPolicyErrors.None || certificate.Matches(presented),
            });
        }
        return options;
    }

    public Task DisposeAsync()
    {
        StopProcess();
        _certificate?.Dispose();
        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp directory; nothing depends on it.
            }
        }

        return Task.CompletedTask;
    }

    private void StartProcess(string azurite)
    {
        var startInfo = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--blobHost", "127.0.0.1",
                     "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tableHost", "127.0.0.1",
                     "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queueHost", "127.0.0.1",
                     "--queuePort", _queuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", _dataDirectory!,
                     "--silent",
                     "--skipApiVersionCheck",
                     "--loose",
                     "--disableTelemetry",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }
        if (_certificate is { } certificate)
        {
            foreach (var argument in new[] { "--cert", certificate.CertificatePath, "--key", certificate.KeyPath, "--oauth", "basic" }) startInfo.ArgumentList.Add(argument);
        }

        lock (_output)
        {
            _output.Clear();
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        Exception? lastError = null;
        while (stopwatch.Elapsed < StartTimeout)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException(
                    $"Azurite exited with code {_process.ExitCode} before it was ready on port {Port}. Its output:{Environment.NewLine}{CapturedOutput()}");
            }

            try
            {
                foreach (var port in new[] { Port, TablePort })
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                }

                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await BlobServiceClient.GetPropertiesAsync(attempt.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is SocketException or Azure.RequestFailedException or AggregateException or OperationCanceledException or HttpRequestException)
            {
                lastError = ex;
                await Task.Delay(200).ConfigureAwait(false);
            }
        }

        throw new TimeoutException(
            $"Azurite did not become ready on port {Port} within {StartTimeout.TotalSeconds} s (last error: {lastError?.Message}). Its output:{Environment.NewLine}{CapturedOutput()}");
    }

    private string CapturedOutput()
    {
        lock (_output)
        {
            return _output.Length == 0 ? "(none)" : _output.ToString();
        }
    }

    private void StopProcess()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        finally
        {
            process.Dispose();
        }
    }

}
