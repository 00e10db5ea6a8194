using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.TestInfrastructure.WebSockets;
using AsgiBridge.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Tests.Transport;

/// <summary>
/// <c>AddAsgiTransportBlocks</c> on real Kestrel: the socket transport then receives into blocks larger than 4 KiB (seen
/// by a connection middleware as the segments of what it reads), and bodies arrive intact either way.
/// </summary>
public sealed class TransportBlocksOnKestrelTests
{
    private const int BodySize = 60 * 1024;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_chunked_body_arrives_intact_and_in_larger_reads_with_the_larger_blocks(bool largeBlocks)
    {
        var segments = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var received = new MemoryStream();
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            if (scope is not HttpScope)
            {
                return;
            }

            while (await receive() is HttpRequestBody body)
            {
                received.Write(body.Body.Span);

                if (!body.MoreBody)
                {
                    break;
                }
            }

            await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
            await send(new HttpResponseBody(Encoding.ASCII.GetBytes(received.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }, services: services =>
        {
            // Runs before the host's Listen calls, which apply the endpoint defaults: every connection's input is observed.
            services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => connection =>
            {
                connection.Transport = new SegmentRecordingPipe(connection.Transport, segments);
                return next(connection);
            })));
            if (largeBlocks)
            {
                services.AddAsgiTransportBlocks();
            }
        });

        // One chunk of 60 KiB, written to the socket at once, so the transport can take it in as few reads as its blocks allow.
        var body = new byte[BodySize];
        new Random(7).NextBytes(body);
        var head = Encoding.ASCII.GetBytes($"POST /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{BodySize:x}\r\n");
        var tail = Encoding.ASCII.GetBytes("\r\n0\r\n\r\n");
        using var client = new TcpClient();
        await client.ConnectAsync(host.Http1Address.Host, host.Http1Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(head.Concat(body).Concat(tail).ToArray());
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var response = await reader.ReadToEndAsync().WaitAsync(ClientMessages.Timeout);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + BodySize, response, StringComparison.Ordinal);
        Assert.Equal(body, received.ToArray());
        Assert.NotEmpty(segments);
        if (largeBlocks)
        {
            Assert.Contains(segments, size => size > 4096);
            Assert.All(segments, size => Assert.True(size <= 64 * 1024, $"a {size} B segment with 64 KiB blocks"));
        }
        else
        {
            // Kestrel's own 4 KiB blocks: the control that shows the test can tell the pools apart.
            Assert.All(segments, size => Assert.True(size <= 4096, $"a {size} B segment with Kestrel's own pool"));
        }
    }

    [Fact]
    public void The_registration_replaces_Kestrels_factory_and_refuses_bad_sizes()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IMemoryPoolFactory<byte>>(new UnusedFactory());
        services.AddAsgiTransportBlocks(options => options.BlockSize = 1000);
        using var provider = services.BuildServiceProvider();
        var factory = Assert.Single(provider.GetServices<IMemoryPoolFactory<byte>>());
        Assert.IsType<TransportBlockPoolFactory>(factory);
        var error = Assert.Throws<OptionsValidationException>(() => factory.Create());
        Assert.Contains("BlockSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pool_has_the_configured_block_size()
    {
        var services = new ServiceCollection();
        services.AddAsgiTransportBlocks(options => options.BlockSize = 32 * 1024);
        using var provider = services.BuildServiceProvider();
        using var pool = provider.GetRequiredService<IMemoryPoolFactory<byte>>().Create();
        Assert.Equal(32 * 1024, pool.MaxBufferSize);
        using var owner = pool.Rent();
        Assert.Equal(32 * 1024, owner.Memory.Length);
    }

    /// <summary>The connection's pipe, with an input that records the length of every buffer segment it returns.</summary>
    private sealed class SegmentRecordingPipe(IDuplexPipe inner, System.Collections.Concurrent.ConcurrentQueue<int> segments) : IDuplexPipe
    {
        public PipeReader Input { get; } = new RecordingReader(inner.Input, segments);

        public PipeWriter Output => inner.Output;

        private sealed class RecordingReader(PipeReader inner, System.Collections.Concurrent.ConcurrentQueue<int> segments) : PipeReader
        {
            public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

            public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

            public override void CancelPendingRead() => inner.CancelPendingRead();

            public override void Complete(Exception? exception = null) => inner.Complete(exception);

            public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
                Record(await inner.ReadAsync(cancellationToken).ConfigureAwait(false));

            public override bool TryRead(out ReadResult result)
            {
                if (!inner.TryRead(out result))
                {
                    return false;
                }

                Record(result);
                return true;
            }

            private ReadResult Record(ReadResult result)
            {
                foreach (var segment in result.Buffer)
                {
                    segments.Enqueue(segment.Length);
                }

                return result;
            }
        }
    }

    private sealed class UnusedFactory : IMemoryPoolFactory<byte>
    {
        public System.Buffers.MemoryPool<byte> Create(MemoryPoolOptions? options = null) => throw new InvalidOperationException("replaced");
    }
}
