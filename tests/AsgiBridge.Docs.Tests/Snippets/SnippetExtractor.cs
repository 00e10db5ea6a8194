using System.Text.RegularExpressions;

namespace AsgiBridge.Docs.Tests.Snippets;

/// <summary>Finds the ```csharp blocks of a Markdown file and the <c>&lt;!-- snippet: … --&gt;</c> marker before each.</summary>
public static partial class SnippetExtractor
{
    /// <summary>Extracts the C# blocks.</summary>
    /// <param name="file">The file's path as reported (relative to the repository root).</param>
    /// <param name="markdown">The file's text.</param>
    /// <returns>The blocks in order.</returns>
    public static IReadOnlyList<MarkdownSnippet> Extract(string file, string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var snippets = new List<MarkdownSnippet>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success)
            {
                continue;
            }

            // Every fenced block is skipped whole (a ````markdown block may show a ```csharp one); only C# ones are kept.
            var ticks = fence.Groups["ticks"].Value.Length;
            var start = i + 1;
            var end = start;
            while (end < lines.Length && !IsClosing(lines[end], ticks))
            {
                end++;
            }

            if (end == lines.Length)
            {
                throw new FormatException($"{file}:{i + 1}: the fenced block is never closed.");
            }

            if (IsCSharp(fence.Groups["info"].Value))
            {
                var indent = fence.Groups["indent"].Value.Length;
                var code = string.Join('\n', lines[start..end].Select(line => line.Length >= indent && string.IsNullOrWhiteSpace(line[..indent]) ? line[indent..] : line.TrimStart()));
                var (kind, argument) = Parse(file, i + 1, MarkerBefore(lines, i));
                snippets.Add(new MarkdownSnippet(file, start + 1, code, kind, argument));
            }

            i = end;
        }

        return snippets;
    }

    private static bool IsClosing(string line, int ticks)
    {
        var trimmed = line.Trim();
        return trimmed.Length >= ticks && trimmed.All(c => c == '`');
    }

    private static bool IsCSharp(string info)
    {
        var language = info.Split(' ', 2)[0];
        return language is "csharp" or "cs" or "c#" or "C#";
    }

    // The marker is the last non-blank line before the fence, if it is a snippet comment.
    private static string? MarkerBefore(string[] lines, int fence)
    {
        for (var j = fence - 1; j >= 0; j--)
        {
            if (string.IsNullOrWhiteSpace(lines[j]))
            {
                continue;
            }

            var match = Marker().Match(lines[j]);
            return match.Success ? match.Groups["spec"].Value.Trim() : null;
        }

        return null;
    }

    private static (SnippetKind Kind, string Argument) Parse(string file, int line, string? marker)
    {
        if (marker is null)
        {
            return (SnippetKind.File, string.Empty);
        }

        var spec = MarkerSpec().Match(marker);
        if (!spec.Success)
        {
            throw new FormatException($"{file}:{line}: unknown snippet marker '{marker}'; expected fragment(...), members(...) or excerpt of <path>.");
        }

        return spec.Groups["kind"].Value switch
        {
            "fragment" => (SnippetKind.Fragment, spec.Groups["args"].Value),
            "members" => (SnippetKind.Members, spec.Groups["args"].Value),
            "file" => (SnippetKind.File, string.Empty),
            _ => (SnippetKind.Excerpt, spec.Groups["path"].Value),
        };
    }

    [GeneratedRegex(@"^(?<indent>\s*)(?<ticks>```+)(?<info>[^`]*)$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*<!--\s*snippet:(?<spec>.*?)-->\s*$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^(?:(?<kind>fragment|members)(?:\((?<args>.*)\))?|(?<kind>file)|(?<kind>excerpt) of (?<path>\S+))$")]
    private static partial Regex MarkerSpec();
}
