using AsgiBridge.Messages;

namespace AsgiBridge.Server;

/// <summary>
/// The rules an application's <c>send</c> must follow on an <c>http</c> connection, as one state machine: the order of the
/// messages, the status, the headers and the declared <c>content-length</c>. It only validates and records; writing to the
/// transport is <see cref="HttpCycle"/>'s job. It allocates nothing on the success paths (unless it lower-cases header
/// names), and one instance is reused across requests through <see cref="Reset"/>.
/// </summary>
/// <remarks>
/// Use in a <c>send</c>: the <c>Accept…</c>/<c>Check…</c> method for the message (which throws
/// <see cref="AsgiProtocolException"/> naming the message and field on a violation), then the transport work with
/// <see cref="Commit"/>, <see cref="FinishBody"/> and <see cref="MarkComplete"/> as the phases advance.
/// </remarks>
internal sealed class HttpResponseStateMachine
{
    private volatile HttpResponsePhase _phase;
    private long _bodyBytes;

    /// <summary>The current phase.</summary>
    public HttpResponsePhase Phase => _phase;

    /// <summary>Whether the response has been fully sent.</summary>
    public bool IsComplete => _phase == HttpResponsePhase.Complete;

    /// <summary>The accepted <c>http.response.start</c>, or <see langword="null"/> before it.</summary>
    public HttpResponseStart? Start { get; private set; }

    /// <summary>The headers of the accepted start, with lower-case names.</summary>
    public IReadOnlyList<AsgiHeader> Headers { get; private set; } = Array.Empty<AsgiHeader>();

    /// <summary>The <c>content-length</c> the application declared in the start, if any.</summary>
    public long? DeclaredContentLength { get; private set; }

    /// <summary>Whether the status forbids a body (204, 304).</summary>
    public bool BodyForbidden { get; private set; }

    /// <summary>Returns whether a status code forbids a response body.</summary>
    /// <param name="status">The status code.</param>
    /// <returns><see langword="true"/> for 1xx, 204 and 304.</returns>
    public static bool IsBodyForbidden(int status) => status is (>= 100 and < 200) or 204 or 304;

    /// <summary>Returns whether a status can end a request: 200–599 (1xx are informational and never final).</summary>
    /// <param name="status">The status code.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsFinalStatus(int status) => status is >= 200 and <= 599;

    /// <summary>The error for a status that cannot end a request.</summary>
    /// <param name="messageType">The start message's type.</param>
    /// <param name="status">The status.</param>
    /// <returns>The exception to raise.</returns>
    public static AsgiProtocolException InvalidStatus(string messageType, int status) => new(messageType, "status", status is >= 100 and < 200
        ? $"{status} is an informational status; a response's status is 200–599 (a 1xx would make the client read the next response as this one's)."
        : $"{status} is not a valid HTTP status; a response's status is 200–599.");

    /// <summary>Clears the state for the next request.</summary>
    public void Reset()
    {
        _phase = HttpResponsePhase.Initial;
        Start = null;
        Headers = Array.Empty<AsgiHeader>();
        DeclaredContentLength = null;
        BodyForbidden = false;
        _bodyBytes = 0;
    }

    /// <summary>The error for a message type an application cannot send on an <c>http</c> connection.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The exception to raise.</returns>
    public static AsgiProtocolException NotAnHttpMessage(AsgiMessage message) =>
        new(message.Type, null, "is not a message an application can send on an 'http' connection.");

    /// <summary>The error for <c>http.response.push</c>, which is not advertised.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The exception to raise.</returns>
    public static AsgiProtocolException PushNotSupported(HttpResponsePush message) =>
        new(message.Type, null, "server push is not supported by Kestrel, so the extension is not advertised in scope['extensions'].");

    /// <summary>Validates <c>http.response.start</c> and holds it (phase <see cref="HttpResponsePhase.StartHeld"/>).</summary>
    /// <param name="start">The message.</param>
    /// <param name="rejectUppercase">Whether an upper-case header name is an error rather than lower-cased.</param>
    /// <exception cref="AsgiProtocolException">The response already started, the status or a header is invalid.</exception>
    public void AcceptStart(HttpResponseStart start, bool rejectUppercase)
    {
        if (_phase != HttpResponsePhase.Initial)
        {
            throw _phase == HttpResponsePhase.Complete
                ? AfterComplete(start)
                : new AsgiProtocolException(start.Type, null, "the response was already started; a response has exactly one http.response.start.");
        }

        if (!IsFinalStatus(start.Status))
        {
            throw InvalidStatus(start.Type, start.Status);
        }

        var headers = AsgiHeaderRules.Normalize(start.Headers, start.Type, rejectUppercase);
        long? contentLength = null;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            if (string.Equals(header.Name, "content-length", StringComparison.Ordinal))
            {
                if (!long.TryParse(header.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
                    || (contentLength is { } previous && previous != length))
                {
                    throw new AsgiProtocolException(start.Type, "headers", $"content-length '{header.Value}' is not a valid length.");
                }

                contentLength = length;
            }
        }

        Start = start;
        Headers = headers;
        DeclaredContentLength = contentLength;
        BodyForbidden = IsBodyForbidden(start.Status);
        _phase = HttpResponsePhase.StartHeld;
    }

    /// <summary>Validates <c>http.response.body</c> against the phase, the status and the declared length, and counts it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="suppressBody">Whether the body is not transmitted (HEAD), which exempts it from the length check.</param>
    /// <exception cref="AsgiProtocolException">The message is out of order, carries a forbidden body, or breaks the declared content-length.</exception>
    public void CheckBody(HttpResponseBody message, bool suppressBody)
    {
        switch (_phase)
        {
            case HttpResponsePhase.Initial:
                throw new AsgiProtocolException(message.Type, null, "expected 'http.response.start' first.");
            case HttpResponsePhase.AwaitingTrailers:
                throw new AsgiProtocolException(message.Type, null, "the body is complete; only 'http.response.trailers' may follow.");
            case HttpResponsePhase.Complete:
                throw AfterComplete(message);
        }

        var length = message.Body.Length;
        if (BodyForbidden && length != 0)
        {
            throw new AsgiProtocolException(message.Type, "body", $"a {Start!.Status} response cannot have a body.");
        }

        var total = _bodyBytes + length;
        if (DeclaredContentLength is { } declared && !suppressBody && !BodyForbidden)
        {
            if (total > declared)
            {
                throw new AsgiProtocolException(message.Type, "body",
                    $"the body would be {total} bytes, longer than the content-length {declared} declared in http.response.start.");
            }

            if (!message.MoreBody && !Start!.Trailers && total < declared)
            {
                throw new AsgiProtocolException(message.Type, "more_body",
                    $"the body ends after {total} bytes, but http.response.start declared content-length {declared}.");
            }
        }

        _bodyBytes = total;
    }

    /// <summary>
    /// The <c>Content-Length</c> the response gets when its start is committed: the declared one, else the length of a
    /// body sent in a single message (not for body-less statuses, announced trailers, or an empty HEAD response).
    /// </summary>
    /// <param name="singleBodyLength">The whole body's length when it is known at commit time, else -1 (streamed).</param>
    /// <param name="suppressBody">Whether the body is not transmitted (HEAD).</param>
    /// <returns>The length to announce, or <see langword="null"/> for none.</returns>
    public long? ContentLengthAtCommit(long singleBodyLength, bool suppressBody)
    {
        if (DeclaredContentLength is { } declared)
        {
            return declared;
        }

        if (singleBodyLength >= 0 && !BodyForbidden && !Start!.Trailers && !(suppressBody && singleBodyLength == 0))
        {
            return singleBodyLength;
        }

        return null;
    }

    /// <summary>Records that the held start was handed to the transport (phase <see cref="HttpResponsePhase.Streaming"/>).</summary>
    public void Commit() => _phase = HttpResponsePhase.Streaming;

    /// <summary>Records the final body: trailers follow when announced, otherwise the response is complete.</summary>
    /// <returns><see langword="true"/> when the response is now complete.</returns>
    public bool FinishBody()
    {
        if (Start!.Trailers)
        {
            _phase = HttpResponsePhase.AwaitingTrailers;
            return false;
        }

        _phase = HttpResponsePhase.Complete;
        return true;
    }

    /// <summary>Records that the response is complete.</summary>
    public void MarkComplete() => _phase = HttpResponsePhase.Complete;

    /// <summary>
    /// Records that the transport refused to end the body: the response is started but not complete, so the outcome rules
    /// cut it off.
    /// </summary>
    public void ReopenBody() => _phase = HttpResponsePhase.Streaming;

    /// <summary>Validates <c>http.response.trailers</c>: announced, after the final body, with valid headers.</summary>
    /// <param name="message">The message.</param>
    /// <param name="rejectUppercase">Whether an upper-case header name is an error rather than lower-cased.</param>
    /// <returns>The trailers with lower-case names.</returns>
    /// <exception cref="AsgiProtocolException">The message is out of order or a header is invalid.</exception>
    public IReadOnlyList<AsgiHeader> CheckTrailers(HttpResponseTrailers message, bool rejectUppercase)
    {
        if (Start is null || !Start.Trailers)
        {
            throw _phase == HttpResponsePhase.Complete
                ? AfterComplete(message)
                : new AsgiProtocolException(message.Type, null, "trailers were not announced; set trailers=true in http.response.start.");
        }

        switch (_phase)
        {
            case HttpResponsePhase.StartHeld:
            case HttpResponsePhase.Streaming:
                throw new AsgiProtocolException(message.Type, null, "trailers must follow the final http.response.body (more_body=false).");
            case HttpResponsePhase.Complete:
                throw AfterComplete(message);
        }

        return AsgiHeaderRules.Normalize(message.Headers, message.Type, rejectUppercase);
    }

    /// <summary>Validates <c>http.response.pathsend</c> and returns the file to send.</summary>
    /// <param name="message">The message.</param>
    /// <param name="suppressBody">Whether the body is not transmitted (HEAD), which exempts it from the length check.</param>
    /// <returns>The file, which exists.</returns>
    /// <exception cref="AsgiProtocolException">The message is out of order, the path is relative, the status forbids a body or the length differs from the declared one.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public FileInfo CheckPathSend(HttpResponsePathSend message, bool suppressBody)
    {
        switch (_phase)
        {
            case HttpResponsePhase.Initial:
                throw new AsgiProtocolException(message.Type, null, "expected 'http.response.start' first.");
            case HttpResponsePhase.Streaming:
                throw new AsgiProtocolException(message.Type, null, "cannot be mixed with http.response.body.");
            case HttpResponsePhase.AwaitingTrailers:
            case HttpResponsePhase.Complete:
                throw AfterComplete(message);
        }

        if (!System.IO.Path.IsPathFullyQualified(message.Path))
        {
            throw new AsgiProtocolException(message.Type, "path", $"'{message.Path}' is not an absolute path.");
        }

        var file = new FileInfo(message.Path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"ASGI message '{message.Type}', field 'path': the file does not exist.", message.Path);
        }

        if (BodyForbidden && file.Length > 0)
        {
            throw new AsgiProtocolException(message.Type, null, $"a {Start!.Status} response cannot have a body.");
        }

        if (DeclaredContentLength is { } declared && declared != file.Length && !suppressBody && !BodyForbidden)
        {
            throw new AsgiProtocolException(message.Type, "path",
                $"the file has {file.Length} bytes, but http.response.start declared content-length {declared}.");
        }

        return file;
    }

    /// <summary>Validates <c>http.response.early_hint</c>: allowed until the body is complete.</summary>
    /// <param name="message">The message.</param>
    /// <exception cref="AsgiProtocolException">The response is already complete.</exception>
    public void CheckEarlyHint(HttpResponseEarlyHint message)
    {
        if (_phase is HttpResponsePhase.AwaitingTrailers or HttpResponsePhase.Complete)
        {
            throw AfterComplete(message);
        }
    }

    /// <summary>Validates <c>http.response.debug</c>: only before the start.</summary>
    /// <param name="message">The message.</param>
    /// <exception cref="AsgiProtocolException">The response already started.</exception>
    public void CheckDebug(HttpResponseDebug message)
    {
        if (_phase != HttpResponsePhase.Initial)
        {
            throw new AsgiProtocolException(message.Type, null, "must be sent before http.response.start.");
        }
    }

    private static AsgiProtocolException AfterComplete(AsgiMessage message) =>
        new(message.Type, null, "the response is already complete; no message may follow it.");
}
