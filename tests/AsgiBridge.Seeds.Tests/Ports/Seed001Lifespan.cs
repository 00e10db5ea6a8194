using AsgiBridge.Conversion;
using AsgiBridge.Toolkit;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>Seed 001 "Lifespan protocol ?": the lifespan app (python/seed001_lifespan.py); <c>print</c> writes to <paramref name="stdout"/>.</summary>
/// <param name="stdout">Where <c>print</c> goes (the console in a real process).</param>
internal sealed class Seed001Lifespan(TextWriter stdout)
{
    /// <summary>The application.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>The connection's task.</returns>
    public async Task App(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        if ((string?)scope["type"] == "lifespan")
        {
            while (true)
            {
                var message = await receive.ReceiveDictionaryAsync();
                if ((string?)message["type"] == "lifespan.startup")
                {
                    await stdout.WriteLineAsync("Do something at startup");
                    await send.SendAsync(new Message { ["type"] = "lifespan.startup.complete" });
                }
                else if ((string?)message["type"] == "lifespan.shutdown")
                {
                    await stdout.WriteLineAsync("Do something at shutdown");
                    await send.SendAsync(new Message { ["type"] = "lifespan.shutdown.complete" });
                    return;
                }
            }
        }
        else
        {
            var response = new TextResponse("Hello, world!");
            await response.ExecuteAsync(scope, receive, send);
        }
    }
}
