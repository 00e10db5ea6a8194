using AsgiBridge.Messages;

namespace AsgiBridge.Server;

/// <summary>
/// The rules an application's <c>send</c> must follow on an <c>http</c> connection, as one state machine shared by the
/// bridge (<c>HttpCycle</c>) and the in-process test client, so both accept and reject exactly the same message
/// sequences with the same errors. It only validates and records; writing to a transport is the caller's job. It
/// allocates nothing on the success paths, and one instance is reused across requests through <see cref="Reset"/>.
/// </summary>
/// <remarks>
/// Typical use in a <c>send</c>: <see cref="TryEnterSend"/>, then the <c>Check…</c>/<c>Accept…</c> method for the
/// message (which throws <see cref="AsgiProtocolException"/> on a violation), then the transport work with
/// <see cref="Commit"/>, <see cref="FinishBody"/> and <see cref="MarkComplete"/> as the phases advance, and finally
/// <see cref="ExitSend"/>.
/// </remarks>
internal sealed class HttpResponseStateMachine
{
    private volatile HttpResponsePhase _phase;
    private int _sending;

    /// <summary>The current phase.</summary>
    public HttpResponsePhase Phase => _phase;

    /// <summary>Whether the response has been fully sent.</summary>
    public bool IsComplete => _phase == HttpResponsePhase.Complete;

    /// <summary>The accepted <c>http.response.start</c>, or <see langword="null"/> before it.</summary>
    public HttpResponseStart? Start { get; private set; }

    /// <summary>The <c>content-length</c> the application declared in the start, if any.</summary>
    public long? DeclaredContentLength { get; private set; }

    /// <summary>Whether the status forbids a body (1xx, 204, 304).</summary>
    public bool BodyForbidden { get; private set; }

    /// <summary>Returns whether a status code forbids a response body.</summary>
    /// <param name="status">The status code.</param>
    /// <returns><see langword="true"/> for 1xx, 204 and 304.</returns>
    public static bool IsBodyForbidden(int status) => status is (>= 100 and < 200) or 204 or 304;

    /// <summary>Clears the state for the next request.</summary>
    public void Reset()
    {
        _phase = HttpResponsePhase.Initial;
        Start = null;
        DeclaredContentLength = null;
        BodyForbidden = false;
        _sending = 0;
    }

    /// <summary>Marks a <c>send</c> as running; <see langword="false"/> when another one still is.</summary>
    /// <returns>Whether the caller may proceed (and must call <see cref="ExitSend"/>).</returns>
    public bool TryEnterSend() => Interlocked.Exchange(ref _sending, 1) == 0;

    /// <summary>Marks the running <c>send</c> as finished.</summary>
    public void ExitSend() => Volatile.Write(ref _sending, 0);

    /// <summary>The error for a <c>send</c> that overlaps another.</summary>
    /// <param name="message">The message of the overlapping send.</param>
    /// <returns>The exception to raise.</returns>
    public static AsgiProtocolException OverlappingSend(AsgiMessage message) => new(message.Type, null,
        "send() was called while another send() on the same connection is still running; await each send before starting the next.");

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
    /// <exception cref="AsgiProtocolException">The response already started, the status or a header is invalid.</exception>
    public void AcceptStart(HttpResponseStart start)
    {
        if (_phase != HttpResponsePhase.Initial)
        {
            throw _phase == HttpResponsePhase.Complete
                ? AfterComplete(start)
                : new AsgiProtocolException(start.Type, null, "the response was already started; a response has exactly one http.response.start.");
        }

        if (start.Status is < 100 or > 999)
        {
            throw new AsgiProtocolException(start.Type, "status", $"{start.Status} is not a valid HTTP status code.");
        }

        AsgiHeaderRules.Validate(start.Headers, start.Type);
        long? contentLength = null;
        var headers = start.Headers;
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
        DeclaredContentLength = contentLength;
        BodyForbidden = IsBodyForbidden(start.Status);
        _phase = HttpResponsePhase.StartHeld;
    }

    /// <summary>Validates <c>http.response.body</c> against the phase and the status.</summary>
    /// <param name="message">The message.</param>
    /// <exception cref="AsgiProtocolException">The message is out of order or carries a forbidden body.</exception>
    public void CheckBody(HttpResponseBody message)
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

        if (BodyForbidden && !message.Body.IsEmpty)
        {
            throw new AsgiProtocolException(message.Type, "body", $"a {Start!.Status} response cannot have a body.");
        }
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
    /// Records that the transport refused to end the body (for example a Content-Length mismatch): the response is
    /// started but not complete, so the outcome rules abort it.
    /// </summary>
    public void ReopenBody() => _phase = HttpResponsePhase.Streaming;

    /// <summary>Whether a <c>send</c> is running.</summary>
    public bool IsSending => Volatile.Read(ref _sending) != 0;

    /// <summary>Validates <c>http.response.trailers</c>: announced, after the final body, with valid headers.</summary>
    /// <param name="message">The message.</param>
    /// <exception cref="AsgiProtocolException">The message is out of order or a header is invalid.</exception>
    public void CheckTrailers(HttpResponseTrailers message)
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

        AsgiHeaderRules.Validate(message.Headers, message.Type);
    }

    /// <summary>Validates <c>http.response.pathsend</c> and returns the file to send.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The file, which exists.</returns>
    /// <exception cref="AsgiProtocolException">The message is out of order, the path is relative, or the status forbids a body.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public FileInfo CheckPathSend(HttpResponsePathSend message)
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
