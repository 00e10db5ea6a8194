using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Tests.Lifespan;

/// <summary>Small ASGI building blocks for the lifespan tests.</summary>
internal static class TestApps
{
    /// <summary>How long a lifespan test waits for a signal before it fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Sends a plain-text 200 response.</summary>
    public static async Task RespondAsync(AsgiSend send, string text, int status = 200)
    {
        await send(new HttpResponseStart(status, [new("content-type", "text/plain")]));
        await send(new HttpResponseBody(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// A well-behaved lifespan loop: runs <paramref name="startup"/> on lifespan.startup and <paramref name="shutdown"/>
    /// on lifespan.shutdown, records both in <paramref name="events"/>, and answers complete.
    /// </summary>
    public static async Task LifespanAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send, EventLog events,
        Func<Task>? startup = null, Func<Task>? shutdown = null, string prefix = "lifespan")
    {
        while (true)
        {
            var message = await receive();
            if (message is LifespanStartup)
            {
                events.Add(prefix + ".startup");
                if (startup is not null)
                {
                    await startup();
                }

                events.Add(prefix + ".startup.complete");
                await send(LifespanStartupComplete.Instance);
            }
            else if (message is LifespanShutdown)
            {
                events.Add(prefix + ".shutdown");
                if (shutdown is not null)
                {
                    await shutdown();
                }

                events.Add(prefix + ".shutdown.complete");
                await send(LifespanShutdownComplete.Instance);
                return;
            }
        }
    }
}
