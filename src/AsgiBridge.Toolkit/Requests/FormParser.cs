using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Parses urlencoded and multipart bodies with ASP.NET Core's streaming <see cref="FormReader"/> and <see cref="MultipartReader"/>.
/// A form that is not one, is malformed or breaks a limit of <see cref="AsgiFormOptions"/> is a client error: it raises
/// <see cref="AsgiBadRequestException"/> with status 400 (as starlette answers), the parser's
/// <see cref="InvalidDataException"/> as its inner exception.
/// </summary>
internal static class FormParser
{
    public static async Task<AsgiForm> ParseAsync(Stream body, string? contentType, AsgiFormOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await ParseFormAsync(body, contentType, options, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new AsgiBadRequestException(400, ex.Message, ex);
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException))
        {
            // MultipartReader's "Unexpected end of Stream": a truncated body. Disconnects and server-side bad requests
            // have their own IOException subclasses and pass through as they are.
            throw new AsgiBadRequestException(400, "The multipart form ends before its closing boundary: " + ex.Message, ex);
        }
    }

    private static async Task<AsgiForm> ParseFormAsync(Stream body, string? contentType, AsgiFormOptions options, CancellationToken cancellationToken)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            throw new InvalidDataException("The request has no form content type.");
        }

        if (mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new FormReader(body, Encoding.UTF8)
            {
                ValueCountLimit = options.MaxParts,
                ValueLengthLimit = (int)Math.Min(int.MaxValue, options.MaxFieldsSize),
            };
            var fields = await reader.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            return new AsgiForm(fields, []);
        }

        if (mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                throw new InvalidDataException("The multipart content type has no boundary.");
            }

            return await ParseMultipartAsync(body, boundary, options, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidDataException($"'{mediaType.MediaType}' is not a form content type.");
    }

    private static async Task<AsgiForm> ParseMultipartAsync(Stream body, string boundary, AsgiFormOptions options, CancellationToken cancellationToken)
    {
        var accumulator = new KeyValueAccumulator();
        var files = new List<AsgiUploadedFile>();
        var reader = new MultipartReader(boundary, body);
        var parts = 0;
        long fieldBytes = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (++parts > options.MaxParts)
                {
                    throw new InvalidDataException($"The form has more than {options.MaxParts} parts.");
                }

                var disposition = section.GetContentDispositionHeader()
                    ?? throw new InvalidDataException("A multipart section has no Content-Disposition header.");
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
                if (disposition.IsFileDisposition())
                {
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? string.Empty;
                    files.Add(await BufferFileAsync(section, name, fileName, options, cancellationToken).ConfigureAwait(false));
                }
                else
                {
                    var value = await ReadFieldAsync(section.Body, options.MaxFieldsSize - fieldBytes, options.MaxFieldsSize, cancellationToken).ConfigureAwait(false);
                    fieldBytes += value.Length;
                    accumulator.Append(name, Encoding.UTF8.GetString(value));
                }
            }
        }
        catch
        {
            foreach (var file in files)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new AsgiForm(accumulator.HasValues ? accumulator.GetResults() : new Dictionary<string, StringValues>(), files);
    }

    /// <summary>Reads a text field, failing as soon as it exceeds what is left of the fields budget (never buffering more).</summary>
    private static async Task<byte[]> ReadFieldAsync(Stream body, long remaining, long limit, CancellationToken cancellationToken)
    {
        using var value = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (value.Length + read > remaining)
            {
                throw new InvalidDataException($"The form's text fields exceed {limit} bytes.");
            }

            value.Write(buffer, 0, read);
        }

        return value.ToArray();
    }

    private static async Task<AsgiUploadedFile> BufferFileAsync(MultipartSection section, string name, string fileName, AsgiFormOptions options, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        var memory = new MemoryStream();
        FileStream? file = null;
        string? tempPath = null;
        long length = 0;
        try
        {
            int read;
            while ((read = await section.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > options.MaxFileSize)
                {
                    throw new InvalidDataException($"The file '{fileName}' exceeds {options.MaxFileSize} bytes.");
                }

                if (file is null && length > options.MemoryThreshold)
                {
                    tempPath = Path.Combine(options.TempDirectory ?? Path.GetTempPath(), "asgi-upload-" + Guid.NewGuid().ToString("N"));
                    file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                    memory.Position = 0;
                    await memory.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                    memory = new MemoryStream();
                }

                if (file is not null)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    memory.Write(buffer, 0, read);
                }
            }
        }
        catch
        {
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
                file = null;
                File.Delete(tempPath!);
            }

            throw;
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new AsgiUploadedFile(name, fileName, section.ContentType, length, tempPath is null ? memory.ToArray() : null, tempPath);
    }
}
