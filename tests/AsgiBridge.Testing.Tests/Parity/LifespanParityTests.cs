using System.Net;
using AsgiBridge.Lifespan;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// Lifespan through the real host (AddAsgi + UseAsgi on Kestrel) and through <see cref="AsgiTestClient.StartAsync"/>:
/// the same events in the same order, the same state in requests, the same exception for a failed startup.
/// </summary>
public sealed class LifespanParityTests
{
    private sealed class Recorder
    {
        public List<string> Events { get; } = [];
    }

    private static AsgiApp App(Recorder recorder, string behaviour) => async (scope, receive, send) =>
    {
        if (scope is LifespanScope lifespan)
        {
            if (behaviour == "raise")
            {
                throw new NotSupportedException("no lifespan here");
            }

            await receive();
            lock (recorder)
            {
                recorder.Events.Add("startup");
            }

            if (behaviour == "fail")
            {
                await send(new LifespanStartupFailed("database unreachable"));
                return;
            }

            lifespan.State!["greeting"] = "hello from startup";
            await send(LifespanStartupComplete.Instance);
            await receive();
            lock (recorder)
            {
                recorder.Events.Add("shutdown");
            }

            await send(LifespanShutdownComplete.Instance);
            return;
        }

        lock (recorder)
        {
            recorder.Events.Add("request");
        }

        await TestApps.SendText(send, 200, scope.State?["greeting"] as string ?? "<no state>");
    };

    private static async Task<string> RunOnKestrelAsync(Recorder recorder, string behaviour)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddAsgi();
        await using var web = builder.Build();
        web.UseAsgi(App(recorder, behaviour));
        try
        {
            await web.StartAsync();
        }
        catch (AsgiLifespanException ex)
        {
            return $"startup failed: {ex.Message.Contains("database unreachable", StringComparison.Ordinal)}";
        }

        var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var body = await http.GetStringAsync("/");
        await web.StopAsync();
        return $"served: {body}";
    }

    private static async Task<string> RunInProcessAsync(Recorder recorder, string behaviour)
    {
        AsgiTestClient client;
        try
        {
            client = await AsgiTestClient.StartAsync(App(recorder, behaviour));
        }
        catch (AsgiLifespanException ex)
        {
            return $"startup failed: {ex.Message.Contains("database unreachable", StringComparison.Ordinal)}";
        }

        await using (client)
        {
            return $"served: {(await client.GetAsync("/")).Text}";
        }
    }

    [Theory]
    [InlineData("complete", "served: hello from startup", "startup,request,shutdown")]
    [InlineData("fail", "startup failed: True", "startup")]
    [InlineData("raise", "served: <no state>", "request")]
    public async Task Test_client_runs_lifespan_as_the_host_does(string behaviour, string outcome, string events)
    {
        var onKestrel = new Recorder();
        var inProcess = new Recorder();

        var kestrelOutcome = await RunOnKestrelAsync(onKestrel, behaviour);
        var inProcessOutcome = await RunInProcessAsync(inProcess, behaviour);

        Assert.Equal(outcome, kestrelOutcome);
        Assert.Equal(kestrelOutcome, inProcessOutcome);
        Assert.Equal(events, string.Join(",", onKestrel.Events));
        Assert.Equal(string.Join(",", onKestrel.Events), string.Join(",", inProcess.Events));
    }
}
