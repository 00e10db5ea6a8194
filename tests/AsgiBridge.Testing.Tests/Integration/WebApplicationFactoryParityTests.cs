using AsgiBridge.Testing.Tests.Parity;
using AsgiBridge.TestInfrastructure.Kestrel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Testing.Tests.Integration;

/// <summary>
/// The parity cases through <see cref="WebApplicationFactory{TEntryPoint}"/>: the example's host with the parity
/// application mounted in front of its pipeline (a startup filter), reached with <c>factory.CreateAsgiClient()</c>, must
/// observe what Kestrel serves — the client is the same whoever hosts the TestServer.
/// </summary>
[Collection(nameof(WebApplicationFactoryGroup))]
public sealed class WebApplicationFactoryParityTests(ParityHost host) : IClassFixture<ParityHost>, IAsyncLifetime
{
    private WebApplicationFactory<Program> _factory = null!;

    public static TheoryData<ParityCase> HttpCases => new()
    {
        new("hello", "GET", "/hello"),
        new("echo of a sized body", "POST", "/echo", () => AsgiContent.Text("sized body")),
        new("500 on exception before start", "GET", "/raise-before-start"),
        new("abort on exception after start", "GET", "/raise-after-start"),
        new("violation: upper-case header name", "GET", "/violation/upper-case-header"),
        new("violation: invalid status 42", "GET", "/violation/bad-status"),
        new("violation caught by the application", "GET", "/violation/caught-upper-case-header"),
    };

    public static TheoryData<WebSocketParityCase> WebSocketCases => new()
    {
        new("echo", "/ws/echo", [], "text:hi", "receive", "close:1000"),
        new("denial response", "/ws/denial", []),
        new("exception after accept", "/ws/raise-after-accept", [], "text:go", "receive"),
        new("invalid accept: subprotocol not offered", "/ws/accept-unoffered-subprotocol", ["chat.v1"]),
        new("invalid close: 200-byte reason", "/ws/close-long-reason", [], "receive"),
    };

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web.ConfigureServices(services =>
            services.AddSingleton<IStartupFilter>(new MountFirst())));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [MemberData(nameof(HttpCases))]
    public async Task Http_through_the_factory_observes_what_Kestrel_serves(ParityCase parityCase)
    {
        var kestrel = host.Kestrel;
        await using var client = _factory.CreateAsgiClient(new AsgiTestClientOptions { RaiseServerExceptions = false, UseCookies = false, BaseAddress = kestrel.Http1Address });
        var version = new Version(1, 1);

        var expected = await HttpObservation.CaptureAsync(kestrel.CreateClient(KestrelProtocol.Http1), parityCase, version, request => kestrel.WaitForOutcomeAsync(request));
        var actual = await HttpObservation.CaptureAsync(client.Http, parityCase, version, request => request.WaitForAsgiOutcomeAsync());

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(WebSocketCases))]
    public async Task WebSockets_through_the_factory_observe_what_Kestrel_serves(WebSocketParityCase parityCase)
    {
        await using var client = _factory.CreateAsgiClient(new AsgiTestClientOptions { RaiseServerExceptions = false, BaseAddress = host.Kestrel.Http1Address });

        var onKestrel = await WebSocketTranscript.KestrelAsync(host.Kestrel, KestrelProtocol.Http1, parityCase);
        var inProcess = await WebSocketTranscript.InProcessAsync(client, parityCase);

        Assert.Equal(onKestrel, inProcess);
    }

    [Fact]
    public async Task Exceptions_are_re_raised_through_the_factory()
    {
        await using var client = _factory.CreateAsgiClient();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync("/raise-after-start"));

        Assert.Equal("failure after the response started", error.Message);
        Assert.Null(client.State);
    }

    /// <summary>Mounts the parity application before the example's own pipeline.</summary>
    private sealed class MountFirst : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseAsgi(WebSocketParityApps.App);
            next(app);
        };
    }
}
