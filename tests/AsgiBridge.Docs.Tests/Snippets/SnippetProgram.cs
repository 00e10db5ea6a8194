using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AsgiBridge.Docs.Tests.Snippets;

/// <summary>
/// Runs a program snippet as it stands: compiled in memory, its entry point started with <c>--urls</c> on a free loopback
/// port; the host it builds is caught through the hosting diagnostic event (as WebApplicationFactory catches it), so the
/// test can add a log provider before it starts and stop it afterwards.
/// </summary>
public sealed class SnippetProgram : IAsyncDisposable
{
    private readonly Task _main;
    private readonly IHost _host;

    private SnippetProgram(Task main, IHost host, Uri address)
    {
        _main = main;
        _host = host;
        Address = address;
    }

    /// <summary>Where the program listens.</summary>
    public Uri Address { get; }

    /// <summary>The program's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Compiles the snippet, runs its Main and waits until the host has started.</summary>
    /// <param name="snippet">A program snippet.</param>
    /// <param name="onHostBuilt">Runs on the built host before it starts (add a log provider here).</param>
    /// <returns>The running program.</returns>
    public static async Task<SnippetProgram> StartAsync(MarkdownSnippet snippet, Action<IHost> onHostBuilt)
    {
        var assembly = Assembly.Load(SnippetCompiler.Emit(snippet));
        var port = FreePort();
        var built = new TaskCompletionSource<IHost>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = DiagnosticListener.AllListeners.Subscribe(new HostBuiltObserver(host =>
        {
            onHostBuilt(host);
            built.TrySetResult(host);
        }));

        var entry = assembly.EntryPoint ?? throw new InvalidOperationException($"{snippet.Location} has no entry point.");
        var main = Task.Factory.StartNew(() => entry.Invoke(null, [new[] { "--urls", $"http://127.0.0.1:{port}" }]),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var host = await built.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(started.SetResult);
        await Task.WhenAny(started.Task, main).WaitAsync(TimeSpan.FromSeconds(30));
        await (main.IsCompleted ? main : Task.CompletedTask);   // Main ended before the host started: surface why
        return new SnippetProgram(main, host, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>Stops the host (what Ctrl+C does) and waits for Main to return.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        await _main.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class HostBuiltObserver(Action<IHost> onBuilt) : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == "Microsoft.Extensions.Hosting")
            {
                value.Subscribe(this);
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == "HostBuilt" && value.Value is IHost host)
            {
                onBuilt(host);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
