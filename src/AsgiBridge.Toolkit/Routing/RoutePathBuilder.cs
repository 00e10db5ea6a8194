using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Routing.Patterns;

namespace AsgiBridge.Toolkit;

/// <summary>Builds a path from a route pattern and parameter values (URL generation by route name).</summary>
internal static class RoutePathBuilder
{
    public static bool TryBuild(RoutePattern pattern, IReadOnlyDictionary<string, object?> values, out string path, string? skip = null)
    {
        var builder = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            var text = new StringBuilder();
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        text.Append(Uri.EscapeDataString(literal.Content));
                        break;
                    case RoutePatternSeparatorPart separator:
                        text.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter when parameter.Name == skip:
                        break;
                    case RoutePatternParameterPart parameter:
                        if (values.TryGetValue(parameter.Name, out var value) && value is not null)
                        {
                            var formatted = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
                            text.Append(parameter.IsCatchAll ? EscapeCatchAll(formatted) : Uri.EscapeDataString(formatted));
                        }
                        else if (!parameter.IsOptional && !parameter.IsCatchAll && parameter.Default is null)
                        {
                            path = string.Empty;
                            return false;
                        }
                        else if (parameter.Default is { } fallback)
                        {
                            text.Append(Uri.EscapeDataString(Convert.ToString(fallback, CultureInfo.InvariantCulture) ?? string.Empty));
                        }

                        break;
                }
            }

            if (text.Length > 0)
            {
                builder.Append('/').Append(text);
            }
        }

        if (builder.Length == 0)
        {
            path = "/";
        }
        else
        {
            // Keep the trailing slash the template was written with, so the path matches without a redirect.
            if (RoutePathMatcher.HasTrailingSlash(pattern.RawText ?? string.Empty) && skip is null)
            {
                builder.Append('/');
            }

            path = builder.ToString();
        }

        return true;
    }

    private static string EscapeCatchAll(string value) =>
        string.Join('/', value.Split('/').Select(Uri.EscapeDataString));
}
