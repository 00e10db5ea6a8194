namespace AsgiBridge.WebSockets;

/// <summary>
/// Watches one direction of a WebSocket's frames for close frames, reading frame headers and the first two payload bytes
/// of a close frame only (other payloads are skipped arithmetically, so it costs a few comparisons per read or write).
/// On the client's side it tells a close frame without a status code (reported to the application as 1005, as the spec
/// requires) from one carrying 1000 — System.Net.WebSockets reports both as NormalClosure. On the server's side it records
/// the code System.Net.WebSockets actually put on the wire when it closed the connection itself (1002, 1007, …), so the
/// code reported to the application is the wire's.
/// </summary>
internal sealed class CloseFrameObserver
{
    private const byte CloseOpcode = 0x8;

    private readonly byte[] _header = new byte[14];
    private readonly byte[] _code = new byte[2];
    private int _headerLength;
    private int _headerNeeded = 2;
    private long _payloadRemaining;
    private int _codeLength;
    private bool _inClose;
    private int _maskOffset;

    /// <summary>Whether the last close frame seen had an empty payload (no status code).</summary>
    public bool EmptyCloseSeen { get; private set; }

    /// <summary>The status code of the last close frame seen, or <see langword="null"/> before one (or when it had none).</summary>
    public int? CloseCode { get; private set; }

    /// <summary>Feeds bytes sent in this direction, in order.</summary>
    /// <param name="data">The bytes just read or written.</param>
    public void Observe(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_payloadRemaining > 0)
            {
                var take = (int)Math.Min(_payloadRemaining, data.Length);
                if (_inClose)
                {
                    ObserveCloseCode(data[..take]);
                }

                _payloadRemaining -= take;
                data = data[take..];
                continue;
            }

            var needed = Math.Min(_headerNeeded - _headerLength, data.Length);
            data[..needed].CopyTo(_header.AsSpan(_headerLength));
            _headerLength += needed;
            data = data[needed..];
            if (_headerLength < _headerNeeded)
            {
                continue;
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

        _inClose = (_header[0] & 0x0F) == CloseOpcode;
        if (_inClose)
        {
            EmptyCloseSeen = payload == 0;
            CloseCode = null;
            _codeLength = 0;
            _maskOffset = (_header[1] & 0x80) != 0 ? _headerNeeded - 4 : -1;
        }

        _payloadRemaining = payload;
        _headerLength = 0;
        _headerNeeded = 2;
    }

    private void ObserveCloseCode(ReadOnlySpan<byte> payload)
    {
        for (var i = 0; i < payload.Length && _codeLength < 2; i++)
        {
            var b = payload[i];
            if (_maskOffset >= 0)
            {
                b ^= _header[_maskOffset + _codeLength];
            }

            _code[_codeLength++] = b;
        }

        if (_codeLength == 2)
        {
            CloseCode = (_code[0] << 8) | _code[1];
            _codeLength = 3;
        }
    }
}
