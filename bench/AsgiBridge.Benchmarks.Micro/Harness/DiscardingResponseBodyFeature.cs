using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace AsgiBridge.Benchmarks.Harness;

/// <summary>A response body feature over a <see cref="DiscardingPipeWriter"/>; every operation completes synchronously.</summary>
public sealed class DiscardingResponseBodyFeature : IHttpResponseBodyFeature
{
    private readonly DiscardingPipeWriter _writer = new();
    private Stream? _stream;

    /// <summary>The writer, to read how many bytes a request wrote.</summary>
    public DiscardingPipeWriter Discarding => _writer;

    /// <summary>How many times the response was completed since the last <see cref="Reset"/>.</summary>
    public int Completions { get; private set; }

    /// <inheritdoc />
    public Stream Stream => _stream ??= _writer.AsStream(leaveOpen: true);

    /// <inheritdoc />
    public PipeWriter Writer => _writer;

    /// <summary>Prepares for the next request.</summary>
    public void Reset()
    {
        _writer.ResetCount();
        Completions = 0;
    }

    /// <inheritdoc />
    public void DisableBuffering()
    {
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The benchmarks do not send files.");

    /// <inheritdoc />
    public Task CompleteAsync()
    {
        Completions++;
        return Task.CompletedTask;
    }
}
