using System.Buffers.Binary;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.Tests.WebSockets;
using Xunit.Abstractions;

namespace AsgiBridge.Tests.Porting;

/// <summary>
/// Issue 11.9 on real Kestrel: when the client breaks the protocol, the app is told the close code System.Net.WebSockets
/// puts on the wire, which the bridge reads from the server's own close frame (1007 for invalid UTF-8 text, 1002 for an
/// invalid close reason) instead of guessing. The side-by-side comparison with uvicorn is in AsgiBridge.Seeds.Tests.
/// </summary>
public sealed class PortingCloseCodeTests(ITestOutputHelper output)
{
    private const int Tries = 20;

    [Theory]
    [InlineData("invalid UTF-8 text", 1007)]
    [InlineData("invalid UTF-8 close reason", 1002)]
    public async Task The_app_is_told_the_code_of_the_servers_close_frame(string violation, int expected)
    {
        var told = new List<int>();
        var allTold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            await receive();
            await send(new WebSocketAccept());
            WebSocketDisconnect? disconnect;
            while ((disconnect = await receive() as WebSocketDisconnect) is null)
            {
            }

            lock (told)
            {
                told.Add(disconnect.Code);
                if (told.Count == Tries)
                {
                    allTold.SetResult();
                }
            }
        });

        var framesSeen = 0;
        for (var i = 0; i < Tries; i++)
        {
            using var client = await RawWebSocketClient.ConnectAsync(host.Http1Address);
            await (violation == "invalid UTF-8 text"
                ? client.SendFrameAsync(1, [0x61, 0xC3, 0x28])
                : client.SendFrameAsync(8, [0x03, 0xE8, 0xFF, 0xFE]));
            try
            {
                var (opcode, payload) = await client.ReadFrameAsync();
                Assert.Equal((byte)8, opcode);
                Assert.Equal(expected, BinaryPrimitives.ReadUInt16BigEndian(payload));
                framesSeen++;
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException)
            {
                // The socket aborts right after its close frame; the reset may overtake the unread frame.
            }
        }

        // The last violation may still be on its way to the app: stopping the host now would tell it 1012 instead.
        await allTold.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await host.DisposeAsync();
        output.WriteLine($"{violation}: the app was told [{string.Join(", ", told.Distinct())}] in {told.Count} of {Tries}; the client read the close frame in {framesSeen} of {Tries}");
        Assert.Equal(Tries, told.Count);
        Assert.All(told, code => Assert.Equal(expected, code));
    }
}
