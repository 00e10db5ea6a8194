using AsgiBridge.Lifespan;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// Lifespan through the real host (the shared KestrelTestHost: AddAsgi + UseAsgi on Kestrel) and through <see cref="AsgiTestClient.StartAsync"/>:
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
        KestrelTestHost host;
        try
        {
            host = await KestrelTestHost.StartAsync(App(recorder, behaviour));
        }
        catch (AsgiLifespanException ex)
        {
            return $"startup failed: {ex.Message.Contains("database unreachable", StringComparison.Ordinal)}";
        }

        await using (host)
        {
            return $"served: {await host.CreateClient(KestrelProtocol.Http1).GetStringAsync("/")}";
        }
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
