using System.Text;

namespace AsgiBridge;

/// <summary>
/// One ASGI header: a name/value pair. ASGI headers are byte strings; this type holds them as strings whose
/// characters are the bytes (ISO-8859-1 / Latin-1), so <see cref="NameBytes"/> and <see cref="ValueBytes"/>
/// give back the exact bytes and no information is lost in either direction.
/// </summary>
public readonly struct AsgiHeader : IEquatable<AsgiHeader>
{
    /// <summary>Creates a header from a name and a value.</summary>
    /// <param name="name">The header name; response headers must be lower-case.</param>
    /// <param name="value">The header value.</param>
    public AsgiHeader(string name, string value)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Value = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The header name.</summary>
    public string Name { get; }

    /// <summary>The header value.</summary>
    public string Value { get; }

    /// <summary>The exact bytes of the name (Latin-1).</summary>
    public byte[] NameBytes => Encoding.Latin1.GetBytes(Name);

    /// <summary>The exact bytes of the value (Latin-1).</summary>
    public byte[] ValueBytes => Encoding.Latin1.GetBytes(Value);

    /// <summary>Creates a header from its exact bytes, as an ASGI <c>[name, value]</c> pair of byte strings.</summary>
    /// <param name="name">The name bytes.</param>
    /// <param name="value">The value bytes.</param>
    /// <returns>The header.</returns>
    public static AsgiHeader FromBytes(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        => new(Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value));

    /// <summary>
    /// Converts a <c>(name, value)</c> tuple to a header, so header lists read like the Python ones:
    /// <c>new HttpResponseStart(200, [("content-type", "text/plain")])</c>.
    /// </summary>
    /// <param name="header">The name and the value.</param>
    public static implicit operator AsgiHeader((string Name, string Value) header) => new(header.Name, header.Value);

    /// <summary>Creates a header from a <c>(name, value)</c> tuple; the named form of the implicit conversion.</summary>
    /// <param name="header">The name and the value.</param>
    /// <returns>The header.</returns>
    public static AsgiHeader FromValueTuple((string Name, string Value) header) => new(header.Name, header.Value);

    /// <summary>Deconstructs the header into name and value.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    public void Deconstruct(out string name, out string value)
    {
        name = Name;
        value = Value;
    }

    /// <inheritdoc />
    public bool Equals(AsgiHeader other) => string.Equals(Name, other.Name, StringComparison.Ordinal) && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AsgiHeader other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Value);

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Value}";

    /// <summary>Compares two headers for ordinal equality of name and value.</summary>
    /// <param name="left">The first header.</param>
    /// <param name="right">The second header.</param>
    /// <returns><see langword="true"/> when both name and value are equal.</returns>
    public static bool operator ==(AsgiHeader left, AsgiHeader right) => left.Equals(right);

    /// <summary>Compares two headers for inequality.</summary>
    /// <param name="left">The first header.</param>
    /// <param name="right">The second header.</param>
    /// <returns><see langword="true"/> when name or value differ.</returns>
    public static bool operator !=(AsgiHeader left, AsgiHeader right) => !left.Equals(right);
}
