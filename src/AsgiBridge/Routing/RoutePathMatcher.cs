using System.Collections.Frozen;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;

namespace AsgiBridge.Routing;

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

            rules.Add(new ParameterRule(parameter.Name, [.. constraints], converter));
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
        if (!_matcher.TryMatch(new PathString(path), routeValues))
        {
            return false;
        }

        foreach (var rule in _rules)
        {
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

    private sealed record ParameterRule(string Name, IRouteConstraint[] Constraints, Func<string, object>? Converter);
}
