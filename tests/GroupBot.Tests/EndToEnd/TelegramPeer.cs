using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace GroupBot.Tests.EndToEnd;

/// <summary>
/// Starts the Bot API peer in tests/telegram-peer (telegram-test-api behind launch.js's compat layer) on a free
/// 127.0.0.1 port and stops it again. Usable as an xunit class fixture or collection fixture.
/// Installs the peer's npm packages first when node_modules is missing or older than package-lock.json.
/// </summary>
public sealed class TelegramPeer : IAsyncLifetime
{
    /// <summary>The bot token the fixture probes with; any token of the form digits:text works with the peer.</summary>
    public const string Token = "123456:TESTTOKEN";

    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    static readonly SemaphoreSlim InstallGate = new(1, 1); // in-process; the lock file covers other processes

    readonly StringBuilder _output = new();
    Process? _process;

    /// <summary>http://127.0.0.1:PORT — pass as TelegramBotClientOptions baseUrl and to <see cref="PeerClient"/>.</summary>
    public string BaseUrl { get; private set; } = "";

    public int Port { get; private set; }

    /// <summary>The tests/telegram-peer folder the peer runs from.</summary>
    public string PeerDirectory { get; } = LocatePeerDirectory();

    /// <summary>Everything the peer process printed so far (stdout and stderr).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>A user-side client for this peer (bot token defaults to <see cref="Token"/>).</summary>
    public PeerClient CreateClient(string token = Token) => new(BaseUrl, token);

    public async Task InitializeAsync()
    {
        await EnsureNodeAsync();
        await EnsureInstalledAsync(PeerDirectory);

        Exception? last = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                await StartAsync(FreePort());
                return;
            }
            catch (PeerStartException e) when (e.PortInUse && attempt < 3)
            {
                last = e; // someone took the port between probing and listening: try another one
            }
        }
        throw last ?? new InvalidOperationException("telegram-peer did not start");
    }

    public async Task DisposeAsync()
    {
        var p = _process;
        _process = null;
        if (p is null) return;
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await p.WaitForExitAsync(cts.Token);
            }
        }
        catch (InvalidOperationException) { } // already gone
        catch (OperationCanceledException) { }
        finally
        {
            p.Dispose();
        }
    }

    /// <summary>POST /shim/reset: forget messages, callback answers, members and recorded getUpdates calls.</summary>
    public async Task Reset()
    {
        using var client = CreateClient();
        await client.Reset();
    }

    async Task StartAsync(int port)
    {
        lock (_output) _output.Clear();
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = PeerDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // launch.js --exit-with-stdin: the peer exits if this test process dies
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("launch.js");
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("--exit-with-stdin");

        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        p.OutputDataReceived += (_, e) => Append(e.Data);
        p.ErrorDataReceived += (_, e) => Append(e.Data);
        try
        {
            p.Start();
        }
        catch (Win32Exception e)
        {
            p.Dispose();
            throw new InvalidOperationException(NodeMissing, e);
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;

        var baseUrl = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        Exception? lastError = null;
        while (deadline.Elapsed < StartTimeout)
        {
            if (p.HasExited)
            {
                p.WaitForExit(); // flush the output handlers
                var output = Output;
                var exitCode = SafeExitCode(p);
                _process = null;
                p.Dispose();
                throw new PeerStartException(
                    $"telegram-peer exited with code {exitCode} before answering on {baseUrl}.\n--- peer output ---\n{output}",
                    output.Contains("EADDRINUSE", StringComparison.Ordinal));
            }
            try
            {
                using var resp = await http.GetAsync($"{baseUrl}/bot{Token}/getMe");
                if (resp.IsSuccessStatusCode)
                {
                    Port = port;
                    BaseUrl = baseUrl;
                    return;
                }
                lastError = new HttpRequestException($"getMe answered {(int)resp.StatusCode}: {await resp.Content.ReadAsStringAsync()}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lastError = e;
            }
            await Task.Delay(100);
        }
        await DisposeAsync();
        throw new InvalidOperationException(
            $"telegram-peer did not answer getMe on {baseUrl} within {StartTimeout.TotalSeconds:0} s (last error: {lastError?.Message}).\n--- peer output ---\n{Output}");
    }

    static int? SafeExitCode(Process p)
    {
        try { return p.ExitCode; } catch (InvalidOperationException) { return null; }
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Length < 200_000) _output.AppendLine(line);
        }
    }

    static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        try { return ((IPEndPoint)l.LocalEndpoint).Port; }
        finally { l.Stop(); }
    }

    static string LocatePeerDirectory()
    {
        var fromEnv = Environment.GetEnvironmentVariable("TELEGRAM_PEER_DIR");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (File.Exists(Path.Combine(fromEnv, "launch.js"))) return Path.GetFullPath(fromEnv);
            throw new InvalidOperationException($"TELEGRAM_PEER_DIR={fromEnv} has no launch.js");
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "telegram-peer");
            if (File.Exists(Path.Combine(candidate, "launch.js"))) return candidate;
        }
        throw new InvalidOperationException(
            $"Could not find tests/telegram-peer/launch.js in any folder above {AppContext.BaseDirectory} (set TELEGRAM_PEER_DIR to override).");
    }

    const string NodeMissing =
        "The end-to-end tests need Node.js (18 or later) and npm on PATH to run the Bot API peer in tests/telegram-peer " +
        "(on Debian: apt-get install nodejs npm).";

    static async Task EnsureNodeAsync()
    {
        var (code, output) = await RunAsync("node", ["--version"], Environment.CurrentDirectory, TimeSpan.FromSeconds(30), NodeMissing);
        if (code != 0) throw new InvalidOperationException($"{NodeMissing}\n'node --version' exited with {code}: {output}");
    }

    // node_modules counts as installed when our stamp in it is newer than package.json and package-lock.json.
    const string StampName = ".telegram-peer-installed";

    static bool IsInstalled(string dir)
    {
        var stamp = Path.Combine(dir, "node_modules", StampName);
        if (!File.Exists(stamp)) return false;
        var stampTime = File.GetLastWriteTimeUtc(stamp);
        foreach (var f in new[] { "package.json", "package-lock.json" })
        {
            var path = Path.Combine(dir, f);
            if (File.Exists(path) && File.GetLastWriteTimeUtc(path) > stampTime) return false;
        }
        return File.Exists(Path.Combine(dir, "node_modules", "telegram-test-api", "package.json"))
            && File.Exists(Path.Combine(dir, "node_modules", "express", "package.json"));
    }

    static async Task EnsureInstalledAsync(string dir)
    {
        if (IsInstalled(dir)) return;
        await InstallGate.WaitAsync();
        try
        {
            using var fileLock = await AcquireFileLockAsync(dir);
            if (IsInstalled(dir)) return; // another process installed while we waited

            var log = new StringBuilder();
            var installed = false;
            if (File.Exists(Path.Combine(dir, "package-lock.json")))
            {
                var (code, output) = await Npm(dir, "ci");
                log.AppendLine($"$ npm ci  (exit {code})").AppendLine(output);
                installed = code == 0;
            }
            if (!installed)
            {
                var (code, output) = await Npm(dir, "install");
                log.AppendLine($"$ npm install  (exit {code})").AppendLine(output);
                installed = code == 0;
            }
            if (!installed)
                throw new InvalidOperationException($"Could not install the telegram-peer npm packages in {dir}.\n{log}");
            await File.WriteAllTextAsync(Path.Combine(dir, "node_modules", StampName), DateTime.UtcNow.ToString("O"));
        }
        finally
        {
            InstallGate.Release();
        }
    }

    static Task<(int, string)> Npm(string dir, string verb)
    {
        string[] args = [verb, "--no-audit", "--no-fund"];
        return OperatingSystem.IsWindows()
            ? RunAsync("cmd.exe", ["/c", "npm", .. args], dir, InstallTimeout, NodeMissing)
            : RunAsync("npm", args, dir, InstallTimeout, NodeMissing);
    }

    // An exclusive lock file in the temp folder (one per peer folder) so two test processes don't install at once.
    static async Task<FileStream> AcquireFileLockAsync(string dir)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dir))))[..16];
        var path = Path.Combine(Path.GetTempPath(), $"telegram-peer-install-{hash}.lock");
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < InstallTimeout)
            {
                await Task.Delay(250);
            }
        }
    }

    static async Task<(int ExitCode, string Output)> RunAsync(
        string file, IEnumerable<string> args, string workDir, TimeSpan timeout, string missingMessage)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        try
        {
            p.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{missingMessage}\nCould not start '{file}': {e.Message}", e);
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            lock (output) return (-1, $"timed out after {timeout.TotalSeconds:0} s\n{output}");
        }
        p.WaitForExit();
        lock (output) return (p.ExitCode, output.ToString());
    }

    sealed class PeerStartException(string message, bool portInUse) : Exception(message)
    {
        public bool PortInUse { get; } = portInUse;
    }
}
