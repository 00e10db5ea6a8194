using AsgiBridge.Lifespan;
using AsgiBridge.TestInfrastructure.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit.Tests;

/// <summary>
/// A web application under test on ASP.NET Core's in-memory TestServer, for the hosting shapes (<c>Map</c> branches,
/// <c>MapAsgi</c>, pipelines with DI). Real-Kestrel tests use the shared <c>KestrelTestHost</c>.
/// </summary>
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

    public static async Task<TestHost> StartTestServerAsync(Action<WebApplication> configure, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var logs = new TestLogSink();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.WebHost.UseTestServer();

        builder.Services.AddAsgi(options => options.Lifespan.Mode = LifespanMode.Off); // these tests exercise connections only
        services?.Invoke(builder.Services);
        var app = builder.Build();
        configure(app);
        await app.StartAsync();
        return new TestHost(app, app.GetTestClient(), logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
