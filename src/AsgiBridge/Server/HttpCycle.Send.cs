using System.Buffers;
using System.IO.Pipelines;
using AsgiBridge.Diagnostics;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AsgiBridge.Server;

/// <summary>The <c>send</c> half: response start (held until the first body), body, trailers, pathsend.</summary>
internal sealed partial class HttpCycle
{
    private ValueTask SendCore(AsgiMessage message)
    {
        if (message is null)
        {
            return ValueTask.FromException(new ArgumentNullException(nameof(message)));
        }

        if (!_response.TryEnterSend())
        {
            return ValueTask.FromException(Violation(HttpResponseStateMachine.OverlappingSend(message)));
        }

        ValueTask pending;
        try
        {
            pending = Dispatch(message);
        }
        catch (Exception ex)
        {
            _response.ExitSend();
            return ValueTask.FromException(Violation(ex));
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            _response.ExitSend();
            return default;
        }

        return AwaitSend(pending);
    }

    private async ValueTask AwaitSend(ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            _response.ExitSend();
        }
    }

    private ValueTask Dispatch(AsgiMessage message)
    {
        switch (message)
        {
            case HttpResponseBody body:
                return SendBody(body);
            case HttpResponseStart start:
                _response.AcceptStart(start);
                return default;
            case HttpResponseTrailers trailers:
                return SendTrailers(trailers);
            case HttpResponsePathSend pathSend:
                return SendFile(pathSend);
            case HttpResponseEarlyHint earlyHint:
                OnEarlyHint(earlyHint);
                return default;
            case HttpResponseDebug debug:
                _response.CheckDebug(debug);
                return default;
            case HttpResponsePush push:
                throw HttpResponseStateMachine.PushNotSupported(push);
            default:
                throw HttpResponseStateMachine.NotAnHttpMessage(message);
        }
    }

    private ValueTask SendBody(HttpResponseBody message)
    {
        _response.CheckBody(message);
        var body = message.Body;
        if (ClientGone)
        {
            throw ClientDisconnected();
        }

        var final = !message.MoreBody;
        if (_response.Phase == HttpResponsePhase.StartHeld)
        {
            CommitStart(final ? body.Length : -1);
        }

        if (!final)
        {
            return WriteChunk(body);
        }

        return _response.FinishBody() ? WriteFinal(body) : WriteChunk(body);
    }

    private void CommitStart(long singleBodyLength)
    {
        var start = _response.Start!;
        var response = _context.Response;
        response.StatusCode = start.Status;
        var target = response.Headers;
        var headers = start.Headers;
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            if (string.Equals(name, "content-length", StringComparison.Ordinal)
                || string.Equals(name, "transfer-encoding", StringComparison.Ordinal))
            {
                // Content-Length goes through the typed property; Transfer-Encoding is the server's business (spec H4).
                continue;
            }

            if (IsFirstOccurrence(headers, i, name))
            {
                target[name] = value;
            }
            else
            {
                target[name] = StringValues.Concat(target[name], value);
            }
        }

        if (_response.ContentLengthAtCommit(singleBodyLength, _suppressBody) is { } contentLength)
        {
            response.ContentLength = contentLength;
        }

        if (singleBodyLength < 0)
        {
            _body.DisableBuffering();
        }

        _response.Commit();
    }

    private static bool IsFirstOccurrence(IReadOnlyList<AsgiHeader> headers, int index, string name)
    {
        for (var j = 0; j < index; j++)
        {
            if (string.Equals(headers[j].Name, name, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private ValueTask WriteChunk(ReadOnlyMemory<byte> body)
    {
        ValueTask<FlushResult> flush;
        try
        {
            flush = _suppressBody || body.IsEmpty ? _writer.FlushAsync() : _writer.WriteAsync(body);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw ClientDisconnected(ex);
        }

        if (flush.IsCompletedSuccessfully)
        {
            CheckFlush(flush.Result);
            return default;
        }

        return AwaitFlush(flush);
    }

    private async ValueTask AwaitFlush(ValueTask<FlushResult> flush)
    {
        FlushResult result;
        try
        {
            result = await flush.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw ClientDisconnected(ex);
        }

        CheckFlush(result);
    }

    private void CheckFlush(FlushResult result)
    {
        if (result.IsCanceled || result.IsCompleted)
        {
            throw ClientDisconnected();
        }
    }

    private ValueTask WriteFinal(ReadOnlyMemory<byte> body)
    {
        if (_suppressBody || body.IsEmpty)
        {
            return Complete();
        }

        ValueTask flush;
        try
        {
            if (_multiplexed)
            {
                // HTTP/2 and HTTP/3: completing flushes what was written, so the last bytes travel in the frame that
                // ends the stream (one flush).
                WriteUnflushed(body);
                return Complete();
            }

            // HTTP/1.x: write and flush first. A write before the response started takes Kestrel's first-write path
            // (headers and data in one flush, no staging copy of the body), and once the headers are out with a
            // Content-Length, completing would not flush bytes that were written but not flushed.
            flush = WriteChunk(body);
            if (flush.IsCompletedSuccessfully)
            {
                flush.GetAwaiter().GetResult();
                return Complete();
            }
        }
        catch (Exception ex) when (ex is not AsgiClientDisconnectedException)
        {
            // The server refused the bytes (e.g. more than the declared Content-Length): the response is not complete.
            _response.ReopenBody();
            throw;
        }

        return CompleteAfter(flush);
    }

    private void WriteUnflushed(ReadOnlyMemory<byte> body)
    {
        try
        {
            _writer.Write(body.Span);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw ClientDisconnected(ex);
        }
    }

    private async ValueTask CompleteAfter(ValueTask flush)
    {
        try
        {
            await flush.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not AsgiClientDisconnectedException)
        {
            _response.ReopenBody();
            throw;
        }

        await Complete().ConfigureAwait(false);
    }

    private ValueTask Complete()
    {
        Task completion;
        try
        {
            completion = _body.CompleteAsync();
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            SignalResponseComplete();
            throw ClientDisconnected(ex);
        }
        catch
        {
            // The server refused the end of the body (e.g. a Content-Length mismatch): the response is not complete.
            _response.ReopenBody();
            throw;
        }

        if (completion.IsCompletedSuccessfully)
        {
            SignalResponseComplete();
            return default;
        }

        return AwaitCompletion(completion);
    }

    private async ValueTask AwaitCompletion(Task completion)
    {
        try
        {
            await completion.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            SignalResponseComplete();
            throw ClientDisconnected(ex);
        }
        catch
        {
            _response.ReopenBody();
            throw;
        }

        SignalResponseComplete();
    }

    private ValueTask SendTrailers(HttpResponseTrailers message)
    {
        _response.CheckTrailers(message);
        if (ClientGone)
        {
            throw ClientDisconnected();
        }

        if (_trailersAllowed)
        {
            var trailers = _context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseTrailersFeature>()!.Trailers;
            foreach (var (name, value) in message.Headers)
            {
                trailers[name] = StringValues.Concat(trailers[name], value);
            }
        }
        else if (!_trailersDropped)
        {
            _trailersDropped = true;
            AsgiLog.TrailersDropped(_logger, LogPath);
        }

        if (message.MoreTrailers)
        {
            return default;
        }

        _response.MarkComplete();
        return Complete();
    }

    private ValueTask SendFile(HttpResponsePathSend message)
    {
        var file = _response.CheckPathSend(message);
        if (ClientGone)
        {
            throw ClientDisconnected();
        }

        CommitStart(file.Length);
        return SendFileCore(file);
    }

    private async ValueTask SendFileCore(FileInfo file)
    {
        try
        {
            if (!_suppressBody && !_response.BodyForbidden)
            {
                await _body.SendFileAsync(file.FullName, 0, file.Length, _context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw ClientDisconnected(ex);
        }

        if (!_response.FinishBody())
        {
            return;
        }

        await Complete().ConfigureAwait(false);
    }

    private void OnEarlyHint(HttpResponseEarlyHint message)
    {
        _response.CheckEarlyHint(message);

        // Kestrel cannot emit 103 responses, so the extension is not advertised; the spec lets servers ignore hints.
        AsgiLog.EarlyHintIgnored(_logger, LogPath);
    }

    private bool IsTransportFailure(Exception exception) =>
        exception is IOException or OperationCanceledException || _context.RequestAborted.IsCancellationRequested;

    private AsgiClientDisconnectedException ClientDisconnected(Exception? inner = null)
    {
        SignalDisconnected();
        const string Text = "The client disconnected; the message could not be sent.";
        return inner is null ? new AsgiClientDisconnectedException(Text) : new AsgiClientDisconnectedException(Text, inner);
    }
}
