using AsgiBridge.Lifespan;
using AsgiBridge.TestInfrastructure.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit.Tests;

/// <summary>A web application under test, on TestServer or on real Kestrel bound to 127.0.0.1:0.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private TestHost(WebApplication app, HttpClient client, TestLogSink logs)
    {
        App = app;
        Client = client;
        Logs = logs;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public TestLogSink Logs { get; }

    public static Task<TestHost> StartTestServerAsync(Action<WebApplication> configure, Action<IServiceCollection>? services = null) =>
        StartAsync(configure, services, kestrel: false);

    public static Task<TestHost> StartKestrelAsync(Action<WebApplication> configure, Action<IServiceCollection>? services = null) =>
        StartAsync(configure, services, kestrel: true);

    private static async Task<TestHost> StartAsync(Action<WebApplication> configure, Action<IServiceCollection>? services, bool kestrel)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var logs = new TestLogSink();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        if (kestrel)
        {
            builder.WebHost.UseKestrel(options => options.Limits.MaxRequestBodySize = null);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Services.AddAsgi(options => options.Lifespan.Mode = LifespanMode.Off); // these tests exercise connections only
        services?.Invoke(builder.Services);
        var app = builder.Build();
        configure(app);
        await app.StartAsync();
        HttpClient client;
        if (kestrel)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        }
        else
        {
            client = app.GetTestClient();
        }

        return new TestHost(app, client, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
