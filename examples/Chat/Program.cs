using AsgiBridge;
using AsgiBridge.Examples;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ChatDemo;

/// <summary>
/// The chat demo: <c>dotnet run --project examples/Chat</c>, then open the printed URL in two browser tabs. An ASGI
/// application (<see cref="ChatApp"/>) serves the page and the WebSocket rooms through AsgiBridge; logs go to the
/// console through Serilog, one line per request.
/// </summary>
public partial class Program
{
    /// <summary>Starts the chat server.</summary>
    /// <param name="args">Command-line arguments (for example <c>--urls http://127.0.0.1:8000</c>).</param>
    public static void Main(string[] args)
    {
        // Logs go through Serilog, one line per request and per WebSocket session (examples/Shared/ExampleLogging.cs;
        // --json-logs for JSON).
        var builder = ExampleLogging.CreateBuilder(args);
        builder.Services.AddAsgi();

        // Rooms are channel-layer groups: in-memory (this instance alone) unless ConnectionStrings:Redis is set
        // (environment ConnectionStrings__Redis=host:port), then every instance on that Redis shares the rooms.
        // A room's channel only relays to the local fan-out, which never waits, so a deep queue absorbs bursts.
        builder.Services.AddAsgiChannelLayer(options => options.Capacity = 1024)
            .UseRedisWhenConfigured()
            .AddGroupPresence();
        builder.Services.AddSingleton<ChatRooms>();

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatDemo");
        var chat = new ChatApp(app.Services.GetRequiredService<ChatRooms>(), logger, ChatApp.DefaultStaticDirectory);
        app.UseExampleRequestLogging();
        app.UseAsgi(chat.Run);

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                LogListening(logger, address);
            }
        });

        app.Run();
    }

    [LoggerMessage(100, LogLevel.Information, "Chat is running: open {Url} in two browser tabs.")]
    private static partial void LogListening(Microsoft.Extensions.Logging.ILogger logger, string url);
}
