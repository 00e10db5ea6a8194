using System.Collections.Frozen;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Matches a path against an ASP.NET Core route template (<c>/users/{id:int}</c>, <c>{**rest}</c>, optional and default
/// values), checks the inline constraints, and converts constrained values to their types (int, long, bool, Guid, double,
/// float, decimal, DateTime). Parsed once at construction.
/// </summary>
internal sealed class RoutePathMatcher
{
    private static readonly FrozenDictionary<string, Func<string, object>> s_converters = new Dictionary<string, Func<string, object>>(StringComparer.OrdinalIgnoreCase)
    {
        ["int"] = static s => int.Parse(s, CultureInfo.InvariantCulture),
        ["long"] = static s => long.Parse(s, CultureInfo.InvariantCulture),
        ["bool"] = static s => bool.Parse(s),
        ["guid"] = static s => Guid.Parse(s, CultureInfo.InvariantCulture),
        ["double"] = static s => double.Parse(s, CultureInfo.InvariantCulture),
        ["float"] = static s => float.Parse(s, CultureInfo.InvariantCulture),
        ["decimal"] = static s => decimal.Parse(s, CultureInfo.InvariantCulture),
        ["datetime"] = static s => DateTime.Parse(s, CultureInfo.InvariantCulture),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly TemplateMatcher _matcher;
    private readonly ParameterRule[] _rules;
    private readonly bool _strictTrailingSlash;
    private readonly bool _trailingSlash;

    public RoutePathMatcher(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!template.StartsWith('/'))
        {
            throw new ArgumentException($"Route template '{template}' must start with '/'.", nameof(template));
        }

        Template = template;
        Pattern = RoutePatternFactory.Parse(template);
        _matcher = new TemplateMatcher(new RouteTemplate(Pattern), new RouteValueDictionary(Pattern.Defaults));

        // ASP.NET Core's matcher ignores a trailing slash; like starlette, a route matches only the form it was written
        // with ("/docs/" or "/docs"), so the router can redirect the other form. A catch-all takes any rest, slash included.
        _trailingSlash = HasTrailingSlash(template);
        _strictTrailingSlash = !Pattern.Parameters.Any(p => p.IsCatchAll);
        var rules = new List<ParameterRule>();
        foreach (var parameter in Pattern.Parameters)
        {
            var constraints = new List<IRouteConstraint>();
            Func<string, object>? converter = null;
            foreach (var policy in parameter.ParameterPolicies)
            {
                if (policy.ParameterPolicy is IRouteConstraint direct)
                {
                    constraints.Add(direct);
                    continue;
                }

                var content = policy.Content ?? string.Empty;
                constraints.Add(RouteConstraints.Resolve(content, template));
                var name = content.Split('(', 2)[0];
                if (converter is null && s_converters.TryGetValue(name, out var convert))
                {
                    converter = convert;
                }
            }

            rules.Add(new ParameterRule(parameter.Name, parameter.IsOptional, [.. constraints], converter));
        }

        _rules = [.. rules];
    }

    /// <summary>The template text.</summary>
    public string Template { get; }

    /// <summary>The parsed pattern.</summary>
    public RoutePattern Pattern { get; }

    /// <summary>Matches <paramref name="path"/>; on success returns the typed parameter values.</summary>
    /// <param name="path">The path to match (relative to the router's root).</param>
    /// <param name="values">The parameter values, typed where a constraint names a type.</param>
    /// <returns><see langword="true"/> when the path matches and every constraint holds.</returns>
    public bool TryMatch(string path, out Dictionary<string, object?> values)
    {
        var routeValues = new RouteValueDictionary();
        values = null!;
        if (_strictTrailingSlash && path.Length > 1 && HasTrailingSlash(path) != _trailingSlash)
        {
            return false;
        }

        if (!_matcher.TryMatch(new PathString(path), routeValues))
        {
            return false;
        }

        foreach (var rule in _rules)
        {
            if (rule.Optional && (!routeValues.TryGetValue(rule.Name, out var present) || present is null))
            {
                // An absent optional parameter has nothing to check (ASP.NET Core's OptionalRouteConstraint).
                continue;
            }

            foreach (var constraint in rule.Constraints)
            {
                if (!constraint.Match(null, null, rule.Name, routeValues, RouteDirection.IncomingRequest))
                {
                    return false;
                }
            }
        }

        values = new Dictionary<string, object?>(routeValues.Count, StringComparer.Ordinal);
        foreach (var (key, raw) in routeValues)
        {
            values[key] = raw;
        }

        foreach (var rule in _rules)
        {
            if (rule.Converter is not null && values.TryGetValue(rule.Name, out var raw) && raw is string text)
            {
                values[rule.Name] = rule.Converter(text);
            }
        }

        return true;
    }

    /// <summary>Whether a template or path ends with a slash after its first character ("/" itself does not count).</summary>
    /// <param name="text">The template or path.</param>
    /// <returns><see langword="true"/> for <c>/docs/</c>, <see langword="false"/> for <c>/docs</c> and <c>/</c>.</returns>
    internal static bool HasTrailingSlash(string text) => text.Length > 1 && text[^1] == '/';

    private sealed record ParameterRule(string Name, bool Optional, IRouteConstraint[] Constraints, Func<string, object>? Converter);
}
