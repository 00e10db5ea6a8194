using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using AsgiBridge.Diagnostics;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace AsgiBridge.Server;

/// <summary>Steps 3–5, the <c>send</c> half: response start (held until the first body), body, trailers, pathsend.</summary>
internal sealed partial class HttpCycle
{
    /// <inheritdoc />
    protected override ValueTask SendCurrent(AsgiMessage message)
    {
        if (!_sends.TryEnter())
        {
            return QueueSend(message);
        }

        return SendOwned(message);
    }

    /// <summary>Another send is being written: wait behind it, in call order.</summary>
    private ValueTask QueueSend(AsgiMessage message)
    {
        var turn = _sends.TryQueue(message is HttpResponseBody body ? body.Body.Length : 0, _options.SendQueueLimit, _options.SendQueueByteLimit);
        if (turn is null)
        {
            return ValueTask.FromException(Violation(new AsgiProtocolException(message.Type, null,
                $"more than {_options.SendQueueLimit} sends (or {_options.SendQueueByteLimit} bytes) are waiting for this response (AsgiOptions.SendQueueLimit).")));
        }

        return turn.IsCompletedSuccessfully ? SendOwned(message) : SendAfter(turn, message);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAfter(Task turn, AsgiMessage message)
    {
        await turn.ConfigureAwait(false);
        await SendOwned(message).ConfigureAwait(false);
    }

    /// <summary>Sends while holding the send queue, and leaves it.</summary>
    private ValueTask SendOwned(AsgiMessage message)
    {
        ValueTask pending;
        try
        {
            pending = Dispatch(message);
        }
        catch (Exception ex)
        {
            _sends.Exit();
            return ValueTask.FromException(Violation(ex));
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            _sends.Exit();
            return default;
        }

        return AwaitSend(pending);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitSend(ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Violation(ex);
            throw;
        }
        finally
        {
            _sends.Exit();
        }
    }

    private ValueTask Dispatch(AsgiMessage message)
    {
        switch (message)
        {
            case HttpResponseBody body:
                return SendBody(body);
            case HttpResponseStart start:
                // Step 3: validated and held until the first body, so a failure can still become a 500.
                _response.AcceptStart(start, _options.RejectUppercaseResponseHeaderNames);
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

    /// <summary>Step 4: a body event; the first one commits the held start.</summary>
    private ValueTask SendBody(HttpResponseBody message)
    {
        _response.CheckBody(message, _suppressBody);
        var body = message.Body;
        if (ClientGone || (_stopping && message.MoreBody && _response.Phase == HttpResponsePhase.Streaming))
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
        var response = Context.Response;
        response.StatusCode = _response.Start!.Status;
        var target = response.Headers;
        var headers = _response.Headers;
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
        var flush = StartWrite(body);
        if (flush.IsCompletedSuccessfully)
        {
            CheckFlush(flush.Result);
            return default;
        }

        return AwaitFlush(flush);
    }

    /// <summary>Writes and flushes <paramref name="body"/> (flushes only, when there is nothing to write).</summary>
    private ValueTask<FlushResult> StartWrite(ReadOnlyMemory<byte> body)
    {
        try
        {
            return _suppressBody || body.IsEmpty ? _writer.FlushAsync() : _writer.WriteAsync(body);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw ClientDisconnected(ex);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
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

        ValueTask<FlushResult> flush;
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
            flush = StartWrite(body);
            if (flush.IsCompletedSuccessfully)
            {
                CheckFlush(flush.Result);
                return Complete();
            }
        }
        catch (Exception ex) when (ex is not AsgiClientDisconnectedException)
        {
            // The server refused the bytes: the response is not complete.
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

    /// <summary>
    /// The final body's flush went asynchronous (the socket is behind): waits for it and completes, in one state machine
    /// rather than a flush wait inside a completion wait, so the slow path costs one continuation and one box.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask CompleteAfter(ValueTask<FlushResult> flush)
    {
        try
        {
            CheckFlush(await flush.ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not AsgiClientDisconnectedException)
        {
            // The transport failed: the client left. Otherwise the server refused the bytes: the response is not complete.
            if (IsTransportFailure(ex))
            {
                throw ClientDisconnected(ex);
            }

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
            // The server refused the end of the body: the response is not complete.
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
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

    /// <summary>Step 5: trailers, written when the last <c>http.response.trailers</c> arrives.</summary>
    private ValueTask SendTrailers(HttpResponseTrailers message)
    {
        var headers = _response.CheckTrailers(message, _options.RejectUppercaseResponseHeaderNames);
        if (ClientGone)
        {
            throw ClientDisconnected();
        }

        if (_trailersAllowed)
        {
            var trailers = Context.Features.Get<IHttpResponseTrailersFeature>()!.Trailers;
            foreach (var (name, value) in headers)
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

    /// <summary>Step 5: pathsend, through Kestrel's send-file path.</summary>
    private ValueTask SendFile(HttpResponsePathSend message)
    {
        var file = _response.CheckPathSend(message, _suppressBody);
        if (ClientGone)
        {
            throw ClientDisconnected();
        }

        CommitStart(file.Length);
        return SendFileCore(file);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendFileCore(FileInfo file)
    {
        try
        {
            if (!_suppressBody && !_response.BodyForbidden)
            {
                await _body.SendFileAsync(file.FullName, 0, file.Length, Context.RequestAborted).ConfigureAwait(false);
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
        exception is IOException or OperationCanceledException || Context.RequestAborted.IsCancellationRequested;

    private AsgiClientDisconnectedException ClientDisconnected(Exception? inner = null)
    {
        string text;
        if (_stopping && !_disconnected && !Context.RequestAborted.IsCancellationRequested)
        {
            text = "The server is shutting down; the message was not sent.";
        }
        else
        {
            SignalDisconnected();
            text = "The client disconnected; the message could not be sent.";
        }

        return inner is null ? new AsgiClientDisconnectedException(text) : new AsgiClientDisconnectedException(text, inner);
    }
}
