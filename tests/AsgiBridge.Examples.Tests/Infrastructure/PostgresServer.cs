using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AsgiBridge.Examples.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL server from Debian's <c>postgresql</c> package: a cluster made by <c>initdb</c> in a temporary
/// directory, started with <c>pg_ctl</c> on a free loopback port (trust authentication, no fsync), stopped and deleted at
/// the end. PostgreSQL refuses to run as root, so under root the tools run as the <c>postgres</c> system user, who owns the
/// directory. A missing server fails the test with the package to install; nothing is skipped.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string Root = "/usr/lib/postgresql";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "asgi-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private string _bin = string.Empty;
    private bool _started;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; } = FreePort();

    /// <summary>A connection string for the <c>postgres</c> superuser and database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    private static bool IsRoot => Environment.UserName == "root";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var version = Directory.Exists(Root)
            ? Directory.GetDirectories(Root).Where(d => File.Exists(Path.Combine(d, "bin", "initdb"))).OrderBy(d => d.Length).ThenBy(d => d, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (version is null)
        {
            var ci = Environment.GetEnvironmentVariable("CI") == "true" ? " (CI=true: a missing server fails the run)" : string.Empty;
            throw new InvalidOperationException($"PostgreSQL is not installed under {Root}: run 'apt-get install -y postgresql'{ci}.");
        }

        _bin = Path.Combine(version, "bin");
        Directory.CreateDirectory(_directory);
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", _directory);
        }

        var data = Path.Combine(_directory, "data");
        await RunAsPostgresAsync("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
        await RunAsPostgresAsync("pg_ctl", "-D", data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", "start");
        _started = true;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        try
        {
            if (_started)
            {
                await RunAsPostgresAsync("pg_ctl", "-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop");
            }
        }
        finally
        {
            if (Directory.Exists(_directory))
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
    }

    private Task RunAsPostgresAsync(string tool, params string[] args)
    {
        var executable = Path.Combine(_bin, tool);
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", executable, .. args]) : RunAsync(executable, args);
    }

    private async Task RunAsync(string executable, params string[] args)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(CommandTimeout);
        if (process.ExitCode != 0)
        {
            var log = Path.Combine(_directory, "server.log");
            throw new InvalidOperationException($"{executable} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout}{await stderr}"
                + (File.Exists(log) ? "\n" + await File.ReadAllTextAsync(log) : string.Empty));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
