using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.BrowserTests.Sse;

/// <summary>The SseDemo application on real Kestrel, bound to 127.0.0.1 on a free port.</summary>
public sealed class SseDemoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SseDemoServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<SseDemoServer> StartAsync(int tickMilliseconds)
    {
        var app = SseDemo.Program.CreateApp(
        [
            "--urls", "http://127.0.0.1:0",
            $"--{SseDemo.Program.TickIntervalKey}={tickMilliseconds}",
            "--Serilog:MinimumLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var url = new Uri(Assert.Single(addresses));
        Assert.NotEqual(0, url.Port);
        return new SseDemoServer(app, url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
