using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// The parity suite's class fixture, no host of its own: one <see cref="KestrelTestHost"/> (HTTP/1.1 and h2c) serving
/// <see cref="WebSocketParityApps.App"/> (which hands HTTP scopes to <see cref="ParityApps.App"/>) through <c>UseAsgi</c>,
/// with lifespan off, shared by a test class, and the in-process twin each test compares it with.
/// </summary>
public sealed class ParityHost : IAsyncLifetime
{
    public KestrelTestHost Kestrel { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Kestrel = await KestrelTestHost.StartAsync(WebSocketParityApps.App, KestrelTestHost.LifespanOff);

    public async Task DisposeAsync()
    {
        if (Kestrel is not null)
        {
            await Kestrel.DisposeAsync();
        }
    }

    /// <summary>An in-process client over the same application, answering as the server does (exceptions not raised).</summary>
    public AsgiTestClient InProcess(KestrelProtocol protocol) => new(WebSocketParityApps.App, new AsgiTestClientOptions
    {
        RaiseServerExceptions = false,
        UseCookies = false,
        UseHttp2 = protocol == KestrelProtocol.Http2,
        BaseAddress = Kestrel.AddressFor(protocol),
    });
}
