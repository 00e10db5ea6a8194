using System.Net;
using System.Text.Json;

namespace AsgiBridge.Seeds.Tests.Harness;

/// <summary>
/// One of the Python originals served by Debian's uvicorn 0.17.6 (httptools, uvloop, websockets) on 127.0.0.1 and an
/// ephemeral port, read from uvicorn's own "Uvicorn running on" line. Apps report what they saw (a disconnect event, a
/// receive result) by printing <c>PROBE {json}</c> lines, which <see cref="WaitForProbeAsync"/> reads.
/// </summary>
internal sealed class UvicornServer : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = [];

    private UvicornServer(ServerProcess process, Uri address)
    {
        Process = process;
        Address = address;
    }

    /// <summary>The uvicorn process (its log lines and the apps' prints).</summary>
    public ServerProcess Process { get; }

    /// <summary>The server's address, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Address { get; }

    /// <summary>Starts uvicorn on <paramref name="app"/> (<c>module:attribute</c> of a file under python/).</summary>
    /// <param name="app">The application, as uvicorn's command line names it.</param>
    /// <param name="lifespan">uvicorn's <c>--lifespan</c>: auto (its default), on or off.</param>
    /// <returns>The server, once it listens.</returns>
    public static async Task<UvicornServer> StartAsync(string app, string lifespan = "auto")
    {
        var process = await LaunchAsync(app, lifespan).ConfigureAwait(false);
        try
        {
            return new UvicornServer(process, await process.WaitForAddressAsync().ConfigureAwait(false));
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts uvicorn without waiting for it to listen (for a startup that is meant to fail).</summary>
    /// <param name="app">The application.</param>
    /// <param name="lifespan">uvicorn's <c>--lifespan</c>.</param>
    /// <returns>The process.</returns>
    public static async Task<ServerProcess> LaunchAsync(string app, string lifespan = "auto")
    {
        await PythonRuntime.RequireAsync().ConfigureAwait(false);
        return ServerProcess.Start(PythonRuntime.Interpreter,
        [
            "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", "0", "--lifespan", lifespan,
            "--http", "httptools", "--ws", "websockets", "--loop", "uvloop", "--no-access-log", "--log-level", "info",
        ], PythonRuntime.ScriptDirectory);
    }

    /// <summary>An HTTP/1.1 client for the server (uvicorn has no HTTP/2), with no cookies, redirects or decompression.</summary>
    /// <returns>The client, disposed with the server.</returns>
    public HttpClient CreateClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false })
        {
            BaseAddress = Address,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
        lock (_owned)
        {
            _owned.Add(client);
        }

        return client;
    }

    /// <summary>Waits for the app to print <c>PROBE {json}</c> whose <c>probe</c> field is <paramref name="name"/>.</summary>
    /// <param name="name">The probe's name.</param>
    /// <returns>The JSON object.</returns>
    public async Task<JsonElement> WaitForProbeAsync(string name)
    {
        var line = await Process.WaitForLineAsync(l => l.StartsWith("PROBE ", StringComparison.Ordinal)
            && JsonDocument.Parse(l[6..]).RootElement.GetProperty("probe").GetString() == name).ConfigureAwait(false);
        return JsonDocument.Parse(line[6..]).RootElement.Clone();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (_owned)
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }
        }

        await Process.DisposeAsync().ConfigureAwait(false);
    }
}
