using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;

namespace AsgiBridge.Toolkit;

/// <summary>Resolves the inline constraints of route templates (<c>int</c>, <c>min(1)</c>, <c>regex(...)</c>, ...) to ASP.NET Core's constraint types.</summary>
internal static class RouteConstraints
{
    public static IRouteConstraint Resolve(string content, string template)
    {
        var open = content.IndexOf('(', StringComparison.Ordinal);
        var name = open < 0 ? content : content[..open];
        var argument = open < 0 ? null : content[(open + 1)..^1];
        IRouteConstraint? constraint = name.ToLowerInvariant() switch
        {
            "int" => new IntRouteConstraint(),
            "long" => new LongRouteConstraint(),
            "bool" => new BoolRouteConstraint(),
            "guid" => new GuidRouteConstraint(),
            "double" => new DoubleRouteConstraint(),
            "float" => new FloatRouteConstraint(),
            "decimal" => new DecimalRouteConstraint(),
            "datetime" => new DateTimeRouteConstraint(),
            "alpha" => new AlphaRouteConstraint(),
            "nonfile" => new NonFileNameRouteConstraint(),
            "file" => new FileNameRouteConstraint(),
            "required" => new RequiredRouteConstraint(),
            "min" when argument is not null => new MinRouteConstraint(long.Parse(argument, System.Globalization.CultureInfo.InvariantCulture)),
            "max" when argument is not null => new MaxRouteConstraint(long.Parse(argument, System.Globalization.CultureInfo.InvariantCulture)),
            "minlength" when argument is not null => new MinLengthRouteConstraint(int.Parse(argument, System.Globalization.CultureInfo.InvariantCulture)),
            "maxlength" when argument is not null => new MaxLengthRouteConstraint(int.Parse(argument, System.Globalization.CultureInfo.InvariantCulture)),
            "range" when argument is not null => Range(argument),
            "length" when argument is not null => Length(argument),
            "regex" when argument is not null => new RegexRouteConstraint(argument),
            _ => null,
        };

        return constraint ?? throw new ArgumentException($"Route template '{template}' uses the unknown constraint '{content}'.", nameof(template));
    }

    private static RangeRouteConstraint Range(string argument)
    {
        var parts = argument.Split(',');
        return new RangeRouteConstraint(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static LengthRouteConstraint Length(string argument)
    {
        var parts = argument.Split(',');
        return parts.Length == 1
            ? new LengthRouteConstraint(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture))
            : new LengthRouteConstraint(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
