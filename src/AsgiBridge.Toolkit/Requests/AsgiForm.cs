using Microsoft.Extensions.Primitives;

namespace AsgiBridge.Toolkit;

/// <summary>A parsed form: fields (multi-value) and uploaded files. Dispose it to delete spilled temporary files.</summary>
public sealed class AsgiForm : IAsyncDisposable
{
    internal AsgiForm(Dictionary<string, StringValues> fields, List<AsgiUploadedFile> files)
    {
        Fields = fields;
        Files = files;
    }

    /// <summary>The text fields, by name.</summary>
    public IReadOnlyDictionary<string, StringValues> Fields { get; }

    /// <summary>The file parts, in order.</summary>
    public IReadOnlyList<AsgiUploadedFile> Files { get; }

    /// <summary>The first value of a field, or <see langword="null"/>.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The value.</returns>
    public string? this[string name] => Fields.TryGetValue(name, out var values) ? values.ToString() : null;

    /// <summary>The first file uploaded under a field name, or <see langword="null"/>.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The file.</returns>
    public AsgiUploadedFile? GetFile(string name) => Files.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));

    /// <summary>Deletes the temporary files of spilled uploads.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var file in Files)
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }
}
