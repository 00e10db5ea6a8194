namespace AsgiBridge.WebSockets;

/// <summary>
/// Watches the frames a WebSocket client sends, to tell a close frame without a status code (reported to the application
/// as 1005, as the spec requires) from one carrying 1000: System.Net.WebSockets reports both as
/// <see cref="System.Net.WebSockets.WebSocketCloseStatus.NormalClosure"/>. It reads frame headers only and skips
/// payloads arithmetically, so it costs a few comparisons per read.
/// </summary>
internal sealed class CloseFrameObserver
{
    private const byte CloseOpcode = 0x8;

    private readonly byte[] _header = new byte[14];
    private int _headerLength;
    private int _headerNeeded = 2;
    private long _payloadRemaining;

    /// <summary>Whether the last close frame the client sent had an empty payload (no status code).</summary>
    public bool EmptyCloseReceived { get; private set; }

    /// <summary>Feeds bytes read from the client, in order.</summary>
    /// <param name="data">The bytes just read.</param>
    public void Observe(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_payloadRemaining > 0)
            {
                var skip = (int)Math.Min(_payloadRemaining, data.Length);
                _payloadRemaining -= skip;
                data = data[skip..];
                continue;
            }

            var take = Math.Min(_headerNeeded - _headerLength, data.Length);
            data[..take].CopyTo(_header.AsSpan(_headerLength));
            _headerLength += take;
            data = data[take..];
            if (_headerLength < _headerNeeded)
            {
                return;
            }

            if (_headerNeeded == 2)
            {
                // Now the full header size is known: extended length (2 or 8 bytes) and the mask key (4 bytes).
                var length7 = _header[1] & 0x7F;
                var masked = (_header[1] & 0x80) != 0;
                _headerNeeded = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
                if (_headerLength < _headerNeeded)
                {
                    continue;
                }
            }

            OnHeader();
        }
    }

    private void OnHeader()
    {
        var length7 = _header[1] & 0x7F;
        long payload = length7 switch
        {
            126 => (_header[2] << 8) | _header[3],
            127 => (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2, 8)),
            _ => length7,
        };

        if ((_header[0] & 0x0F) == CloseOpcode)
        {
            EmptyCloseReceived = payload == 0;
        }

        _payloadRemaining = payload;
        _headerLength = 0;
        _headerNeeded = 2;
    }
}
