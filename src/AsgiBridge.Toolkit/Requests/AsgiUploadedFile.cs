namespace AsgiBridge.Toolkit;

/// <summary>
/// A file part of a multipart form. Small files stay in memory; files above the form's memory threshold are streamed to a
/// temporary file, which is deleted when the form is disposed.
/// </summary>
public sealed class AsgiUploadedFile : IAsyncDisposable
{
    private readonly byte[]? _memory;
    private readonly string? _tempPath;

    internal AsgiUploadedFile(string name, string fileName, string? contentType, long length, byte[]? memory, string? tempPath)
    {
        Name = name;
        FileName = fileName;
        ContentType = contentType;
        Length = length;
        _memory = memory;
        _tempPath = tempPath;
    }

    /// <summary>The form field name.</summary>
    public string Name { get; }

    /// <summary>The file name the client gave.</summary>
    public string FileName { get; }

    /// <summary>The part's content type, when given.</summary>
    public string? ContentType { get; }

    /// <summary>The size in bytes.</summary>
    public long Length { get; }

    /// <summary>Whether the content was spilled to a temporary file.</summary>
    public bool IsOnDisk => _tempPath is not null;

    /// <summary>Opens the content for reading.</summary>
    /// <returns>A stream positioned at the start.</returns>
    public Stream OpenReadStream() => _tempPath is not null
        ? new FileStream(_tempPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan)
        : new MemoryStream(_memory!, writable: false);

    /// <summary>Copies the content to a file.</summary>
    /// <param name="path">The destination path.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public async Task SaveAsAsync(string path, CancellationToken cancellationToken = default)
    {
        var source = OpenReadStream();
        await using (source.ConfigureAwait(false))
        {
            var target = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (target.ConfigureAwait(false))
            {
                await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Deletes the temporary file, if any.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        if (_tempPath is not null)
        {
            try
            {
                File.Delete(_tempPath);
            }
            catch (IOException)
            {
                // Best effort: the file is in the temporary folder.
            }
        }

        return ValueTask.CompletedTask;
    }
}
