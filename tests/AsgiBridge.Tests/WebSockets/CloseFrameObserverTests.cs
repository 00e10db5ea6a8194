using AsgiBridge.WebSockets;

namespace AsgiBridge.Tests.WebSockets;

public sealed class CloseFrameObserverTests
{
    private static byte[] Frame(byte opcode, int payloadLength, bool masked = true)
    {
        var header = new List<byte> { (byte)(0x80 | opcode) };
        var maskBit = masked ? 0x80 : 0;
        if (payloadLength < 126)
        {
            header.Add((byte)(maskBit | payloadLength));
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 126));
            header.Add((byte)(payloadLength >> 8));
            header.Add((byte)payloadLength);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                header.Add((byte)((long)payloadLength >> shift));
            }
        }

        if (masked)
        {
            header.AddRange([9, 8, 7, 6]);
        }

        return [.. header, .. new byte[payloadLength]];
    }

    public static TheoryData<int> ChunkSizes => new() { 1, 3, 7, 4096 };

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void Empty_close_after_frames_of_every_length_form_is_seen(int chunkSize)
    {
        byte[] stream = [.. Frame(0x1, 5), .. Frame(0x2, 300), .. Frame(0x2, 70_000), .. Frame(0x9, 0), .. Frame(0x8, 0)];
        var observer = new CloseFrameObserver();

        for (var offset = 0; offset < stream.Length; offset += chunkSize)
        {
            observer.Observe(stream.AsSpan(offset, Math.Min(chunkSize, stream.Length - offset)));
        }

        Assert.True(observer.EmptyCloseSeen);
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void Close_with_a_code_is_not_empty(int chunkSize)
    {
        byte[] stream = [.. Frame(0x1, 130), .. Frame(0x8, 2)];
        var observer = new CloseFrameObserver();

        for (var offset = 0; offset < stream.Length; offset += chunkSize)
        {
            observer.Observe(stream.AsSpan(offset, Math.Min(chunkSize, stream.Length - offset)));
        }

        Assert.False(observer.EmptyCloseSeen);
    }

    [Fact]
    public void Payload_bytes_that_look_like_a_close_header_are_skipped()
    {
        var text = Frame(0x1, 4, masked: false);
        text[2] = 0x88; // payload: an empty close frame's header bytes
        text[3] = 0x80;
        var observer = new CloseFrameObserver();

        observer.Observe(text);

        Assert.False(observer.EmptyCloseSeen);
    }
}
