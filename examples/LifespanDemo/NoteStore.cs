using System.Text;

/// <summary>
/// An append-only note log on disk: the kind of resource an ASGI application opens at lifespan startup and must close
/// at shutdown. The file records <c>opened</c> and <c>closed</c> lines, so a run that skipped shutdown is visible.
/// </summary>
public sealed class NoteStore : IAsyncDisposable
{
    private readonly StreamWriter _writer;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly List<string> _notes = [];
    private bool _closed;

    private NoteStore(string path, StreamWriter writer)
    {
        FilePath = path;
        _writer = writer;
    }

    /// <summary>The log file.</summary>
    public string FilePath { get; }

    /// <summary>Opens (or creates) <c>notes.log</c> in <paramref name="directory"/> and records that it was opened.</summary>
    /// <param name="directory">Where the log lives; created when missing.</param>
    /// <returns>The open store.</returns>
    public static async Task<NoteStore> OpenAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "notes.log");
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 4096, useAsync: true);
        var store = new NoteStore(path, new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)));
        await store.WriteLineAsync("opened");
        return store;
    }

    /// <summary>Appends a note and flushes it to disk.</summary>
    /// <param name="note">The note text (one line).</param>
    /// <returns>A task that completes once the note is on disk.</returns>
    public async Task AddAsync(string note)
    {
        await _lock.WaitAsync();
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _notes.Add(note);
            await _writer.WriteLineAsync("note " + note.ReplaceLineEndings(" "));
            await _writer.FlushAsync();
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The notes added since the store was opened.</summary>
    /// <returns>A copy of the notes, oldest first.</returns>
    public async Task<IReadOnlyList<string>> ListAsync()
    {
        await _lock.WaitAsync();
        try
        {
            return [.. _notes];
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Records <c>closed</c>, flushes, and closes the file.</summary>
    /// <returns>A task that completes once the file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _lock.WaitAsync();
        try
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            await _writer.WriteLineAsync("closed");
            await _writer.FlushAsync();
            await _writer.DisposeAsync();
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task WriteLineAsync(string line)
    {
        await _writer.WriteLineAsync(line);
        await _writer.FlushAsync();
    }
}
