using AsgiBridge.Messages;
using AsgiBridge.Server;

namespace AsgiBridge.Testing.Http;

/// <summary>The <c>send</c> half: validated by the shared state machine, then turned into the test's response.</summary>
internal sealed partial class HttpExchange
{
    private ValueTask SendCore(AsgiMessage message)
    {
        if (message is null)
        {
            return ValueTask.FromException(new ArgumentNullException(nameof(message)));
        }

        if (Interlocked.Exchange(ref _sending, 1) != 0)
        {
            return ValueTask.FromException(Violation(new AsgiProtocolException(message.Type, null, "send() was called while another send() on the same connection is still running.")));
        }

        return SendAsync(message);
    }

    private async ValueTask SendAsync(AsgiMessage message)
    {
        try
        {
            await Dispatch(message).ConfigureAwait(false);
        }
        catch (AsgiProtocolException ex)
        {
            throw Violation(ex);
        }
        finally
        {
            Volatile.Write(ref _sending, 0);
        }
    }

    private AsgiProtocolException Violation(AsgiProtocolException exception)
    {
        Interlocked.CompareExchange(ref _violation, exception, null);
        return exception;
    }

    private ValueTask Dispatch(AsgiMessage message)
    {
        switch (message)
        {
            case HttpResponseBody body:
                return SendBody(body);
            case HttpResponseStart start:
                _response.AcceptStart(start, rejectUppercase: false);
                return default;
            case HttpResponseTrailers trailers:
                SendTrailers(trailers);
                return default;
            case HttpResponsePathSend pathSend:
                return SendFile(pathSend);
            case HttpResponseEarlyHint earlyHint:
                // Not advertised, as on the server: accepted and ignored.
                _response.CheckEarlyHint(earlyHint);
                return default;
            case HttpResponseDebug debug:
                _response.CheckDebug(debug);
                _request.Options.Set(AsgiTestClient.DebugInfoKey, debug.Info);
                return default;
            case HttpResponsePush push:
                throw HttpResponseStateMachine.PushNotSupported(push);
            default:
                throw HttpResponseStateMachine.NotAnHttpMessage(message);
        }
    }

    private async ValueTask SendBody(HttpResponseBody message)
    {
        _response.CheckBody(message, _suppressBody);
        if (ClientGone)
        {
            throw ClientDisconnected();
        }

        var body = message.Body;
        var final = !message.MoreBody;
        if (_response.Phase == HttpResponsePhase.StartHeld)
        {
            Commit(final ? body.Length : -1);
        }

        CheckContentLength(body.Length, final);
        await WriteAsync(body).ConfigureAwait(false);
        if (final && _response.FinishBody())
        {
            SignalResponseComplete();
        }
    }

    private void SendTrailers(HttpResponseTrailers message)
    {
        _response.CheckTrailers(message, rejectUppercase: false);
        if (ClientGone)
        {
            throw ClientDisconnected();
        }

        if (_trailersAllowed)
        {
            foreach (var (name, value) in message.Headers)
            {
                _message!.TrailingHeaders.TryAddWithoutValidation(name, value);
            }
        }

        if (!message.MoreTrailers)
        {
            SignalResponseComplete();
        }
    }

    private async ValueTask SendFile(HttpResponsePathSend message)
    {
        var file = _response.CheckPathSend(message, _suppressBody);
        if (ClientGone)
        {
            throw ClientDisconnected();
        }

        Commit(file.Length);
        if (!_response.BodyForbidden)
        {
            var bytes = await File.ReadAllBytesAsync(file.FullName).ConfigureAwait(false);
            CheckContentLength(bytes.Length, final: true);
            await WriteAsync(bytes).ConfigureAwait(false);
        }

        if (_response.FinishBody())
        {
            SignalResponseComplete();
        }
    }

    /// <summary>Hands the held start to the test, with the headers and <c>Content-Length</c> the server would send.</summary>
    private void Commit(long singleBodyLength)
    {
        var start = _response.Start!;
        var response = NewResponse(start.Status);
        foreach (var (name, value) in start.Headers)
        {
            if (name is not ("content-length" or "transfer-encoding"))
            {
                AddHeader(response, name, value);
            }
        }

        if (_response.ContentLengthAtCommit(singleBodyLength, _suppressBody) is { } length)
        {
            response.Content.Headers.ContentLength = length;
        }

        _response.Commit();
        _message = response;
        _head.TrySetResult(response);
    }

    /// <summary>Kestrel refuses more bytes than the declared <c>Content-Length</c>, and fewer once the body is final.</summary>
    private void CheckContentLength(long chunkLength, bool final)
    {
        if (_response.DeclaredContentLength is not { } declared || _suppressBody || _response.Start!.Status == 304)
        {
            return;
        }

        _bodySent += chunkLength;
        if (_bodySent > declared)
        {
            throw new InvalidOperationException($"Response Content-Length mismatch: too many bytes written ({_bodySent} of {declared}).");
        }

        if (final && _bodySent < declared)
        {
            throw new InvalidOperationException($"Response Content-Length mismatch: too few bytes written ({_bodySent} of {declared}).");
        }
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> body)
    {
        if (_suppressBody || body.IsEmpty)
        {
            return;
        }

        if (!await _responseBody.WriteAsync(body).ConfigureAwait(false))
        {
            throw ClientDisconnected();
        }
    }
}
