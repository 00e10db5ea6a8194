using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using AsgiBridge.Diagnostics;
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

        if (Interlocked.Exchange(ref _sending, 1) != 0)
        {
            return ValueTask.FromException(new AsgiProtocolException(message.Type, null,
                "send() was called while another send() on the same connection is still running; await each send before starting the next."));
        }

        ValueTask pending;
        try
        {
            pending = Dispatch(message);
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _sending, 0);
            return ValueTask.FromException(ex);
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            Volatile.Write(ref _sending, 0);
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
            Volatile.Write(ref _sending, 0);
        }
    }

    private ValueTask Dispatch(AsgiMessage message)
    {
        switch (message)
        {
            case HttpResponseBody body:
                return SendBody(body);
            case HttpResponseStart start:
                OnStart(start);
                return default;
            case HttpResponseTrailers trailers:
                return SendTrailers(trailers);
            case HttpResponsePathSend pathSend:
                return SendFile(pathSend);
            case HttpResponseEarlyHint earlyHint:
                OnEarlyHint(earlyHint);
                return default;
            case HttpResponseDebug debug:
                if (_state != ResponseState.Initial)
                {
                    throw new AsgiProtocolException(debug.Type, null, "must be sent before http.response.start.");
                }

                return default;
            case HttpResponsePush push:
                throw new AsgiProtocolException(push.Type, null, "server push is not supported by Kestrel, so the extension is not advertised in scope['extensions'].");
            default:
                throw new AsgiProtocolException(message.Type, null, "is not a message an application can send on an 'http' connection.");
        }
    }

    private void OnStart(HttpResponseStart start)
    {
        if (_state != ResponseState.Initial)
        {
            throw _state == ResponseState.Complete
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
                if (!long.TryParse(header.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                    || (contentLength is { } previous && previous != length))
                {
                    throw new AsgiProtocolException(start.Type, "headers", $"content-length '{header.Value}' is not a valid length.");
                }

                contentLength = length;
            }
        }

        _start = start;
        _startContentLength = contentLength;
        _bodyForbidden = IsBodyForbidden(start.Status);
        _state = ResponseState.StartHeld;
    }

    private ValueTask SendBody(HttpResponseBody message)
    {
        switch (_state)
        {
            case ResponseState.Initial:
                throw new AsgiProtocolException(message.Type, null, "expected 'http.response.start' first.");
            case ResponseState.AwaitingTrailers:
                throw new AsgiProtocolException(message.Type, null, "the body is complete; only 'http.response.trailers' may follow.");
            case ResponseState.Complete:
                throw AfterComplete(message);
        }

        var body = message.Body;
        if (_bodyForbidden && !body.IsEmpty)
        {
            throw new AsgiProtocolException(message.Type, "body", $"a {_start!.Status} response cannot have a body.");
        }

        if (ClientGone)
        {
            throw ClientDisconnected();
        }

        var final = !message.MoreBody;
        if (_state == ResponseState.StartHeld)
        {
            CommitStart(final ? body.Length : -1);
        }

        if (!final)
        {
            return WriteChunk(body);
        }

        if (_start!.Trailers)
        {
            _state = ResponseState.AwaitingTrailers;
            return WriteChunk(body);
        }

        _state = ResponseState.Complete;
        return WriteFinal(body);
    }

    private void CommitStart(long singleBodyLength)
    {
        var start = _start!;
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

        if (_startContentLength is { } declared)
        {
            response.ContentLength = declared;
        }
        else if (singleBodyLength >= 0 && !_bodyForbidden && !start.Trailers && !(_suppressBody && singleBodyLength == 0))
        {
            response.ContentLength = singleBodyLength;
        }

        if (singleBodyLength < 0)
        {
            _body.DisableBuffering();
        }

        _state = ResponseState.Streaming;
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
        Task completion;
        try
        {
            if (!_suppressBody && !body.IsEmpty)
            {
                _writer.Write(body.Span);
            }

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
            _state = ResponseState.Streaming;
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
            _state = ResponseState.Streaming;
            throw;
        }

        SignalResponseComplete();
    }

    private ValueTask SendTrailers(HttpResponseTrailers message)
    {
        if (_start is null || !_start.Trailers)
        {
            throw _state == ResponseState.Complete
                ? AfterComplete(message)
                : new AsgiProtocolException(message.Type, null, "trailers were not announced; set trailers=true in http.response.start.");
        }

        switch (_state)
        {
            case ResponseState.StartHeld:
            case ResponseState.Streaming:
                throw new AsgiProtocolException(message.Type, null, "trailers must follow the final http.response.body (more_body=false).");
            case ResponseState.Complete:
                throw AfterComplete(message);
        }

        AsgiHeaderRules.Validate(message.Headers, message.Type);
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

        _state = ResponseState.Complete;
        return WriteFinal(ReadOnlyMemory<byte>.Empty);
    }

    private ValueTask SendFile(HttpResponsePathSend message)
    {
        switch (_state)
        {
            case ResponseState.Initial:
                throw new AsgiProtocolException(message.Type, null, "expected 'http.response.start' first.");
            case ResponseState.Streaming:
                throw new AsgiProtocolException(message.Type, null, "cannot be mixed with http.response.body.");
            case ResponseState.AwaitingTrailers:
            case ResponseState.Complete:
                throw AfterComplete(message);
        }

        if (!Path.IsPathFullyQualified(message.Path))
        {
            throw new AsgiProtocolException(message.Type, "path", $"'{message.Path}' is not an absolute path.");
        }

        var file = new FileInfo(message.Path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"ASGI message '{message.Type}', field 'path': the file does not exist.", message.Path);
        }

        if (_bodyForbidden && file.Length > 0)
        {
            throw new AsgiProtocolException(message.Type, null, $"a {_start!.Status} response cannot have a body.");
        }

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
            if (!_suppressBody && !_bodyForbidden)
            {
                await _body.SendFileAsync(file.FullName, 0, file.Length, _context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw ClientDisconnected(ex);
        }

        if (_start!.Trailers)
        {
            _state = ResponseState.AwaitingTrailers;
            return;
        }

        _state = ResponseState.Complete;
        await WriteFinal(ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
    }

    private void OnEarlyHint(HttpResponseEarlyHint message)
    {
        if (_state is ResponseState.AwaitingTrailers or ResponseState.Complete)
        {
            throw AfterComplete(message);
        }

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

    private static AsgiProtocolException AfterComplete(AsgiMessage message) =>
        new(message.Type, null, "the response is already complete; no message may follow it.");
}
