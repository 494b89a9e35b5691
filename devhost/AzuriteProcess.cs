using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RpsServerless.DevHost;

/// <summary>Where and how to start Azurite. Port 0 means "any free port".</summary>
public sealed record AzuriteOptions(string RepositoryRoot, string DataDirectory, int BlobPort = 0, int QueuePort = 0, int TablePort = 0)
{
    /// <summary>Azurite's own default ports, used by the devhost when they are free so storage tools find it.</summary>
    public static (int Blob, int Queue, int Table) DefaultPorts => (10000, 10001, 10002);
}

/// <summary>
/// Azurite from the repository's <c>node_modules</c> (pinned in <c>package.json</c>), bound to 127.0.0.1 only,
/// its data in a folder of the caller's choosing. Stopping it kills the whole process tree.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";

    // Azurite's well-known development account key (public, the same in every Azurite).
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly StringBuilder _output;

    private AzuriteProcess(Process process, StringBuilder output, AzuriteOptions options)
    {
        _process = process;
        _output = output;
        Options = options;
    }

    public AzuriteOptions Options { get; }
    public int BlobPort => Options.BlobPort;
    public int QueuePort => Options.QueuePort;
    public int TablePort => Options.TablePort;
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true; // disposed: it was stopped
            }
        }
    }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    public static async Task<AzuriteProcess> StartAsync(AzuriteOptions options, CancellationToken cancellationToken = default)
    {
        var script = Path.Combine(options.RepositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
            throw new FileNotFoundException($"Azurite is not installed: run 'npm ci' in {options.RepositoryRoot}.", script);
        Directory.CreateDirectory(options.DataDirectory);

        // A free port found now may be taken before Azurite binds it: try a few times with fresh ports.
        for (var attempt = 1; ; attempt++)
        {
            var resolved = options with
            {
                BlobPort = options.BlobPort == 0 ? FreePort() : options.BlobPort,
                QueuePort = options.QueuePort == 0 ? FreePort() : options.QueuePort,
                TablePort = options.TablePort == 0 ? FreePort() : options.TablePort,
            };
            var azurite = Launch(script, resolved);
            try
            {
                await azurite.WaitUntilListeningAsync(TimeSpan.FromSeconds(30), cancellationToken);
                return azurite;
            }
            catch (Exception) when (attempt < 3 && azurite.HasExited && (options.BlobPort == 0 || options.QueuePort == 0 || options.TablePort == 0))
            {
                await azurite.DisposeAsync();
            }
            catch
            {
                await azurite.DisposeAsync();
                throw;
            }
        }
    }

    private static AzuriteProcess Launch(string script, AzuriteOptions options)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = options.DataDirectory,
        };
        foreach (var argument in new[]
                 {
                     script,
                     "--blobHost", "127.0.0.1", "--blobPort", options.BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queueHost", "127.0.0.1", "--queuePort", options.QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tableHost", "127.0.0.1", "--tablePort", options.TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", options.DataDirectory,
                     // The Azure SDKs here may speak a newer API version than this Azurite knows.
                     "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
                 })
            start.ArgumentList.Add(argument);

        var output = new StringBuilder();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler collect = (_, line) =>
        {
            if (line.Data is null) return;
            lock (output)
            {
                if (output.Length < 16_000) output.AppendLine(line.Data);
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AzuriteProcess(process, output, options);
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode}: {Output}");
            if (await IsListeningAsync(BlobPort) && await IsListeningAsync(QueuePort) && await IsListeningAsync(TablePort))
                return;
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"Azurite did not listen within {timeout.TotalSeconds:0} s: {Output}");
            await Task.Delay(100, cancellationToken);
        }
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The folder holding <c>package.json</c> and <c>node_modules/azurite</c>, searched upwards from <paramref name="start"/>.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "package.json")) &&
                Directory.Exists(Path.Combine(directory.FullName, "node_modules", "azurite")))
                return directory.FullName;
        }
        return null;
    }

    /// <summary>
    /// Stops Azurite: asks it to shut down (SIGTERM, so it saves its data), kills the process tree if it has not
    /// gone within a few seconds — or at once when <paramref name="graceful"/> is false, as when storage dies.
    /// </summary>
    public async Task StopAsync(bool graceful = true)
    {
        try
        {
            if (_process.HasExited)
                return;
            if (graceful && !OperatingSystem.IsWindows() && NativeMethods.kill(_process.Id, NativeMethods.SIGTERM) == 0)
            {
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(patience.Token);
                    return;
                }
                catch (OperationCanceledException)
                {
                    // Did not stop in time: kill it.
                }
            }
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private static class NativeMethods
    {
        public const int SIGTERM = 15;

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int kill(int pid, int signal);
    }
}
