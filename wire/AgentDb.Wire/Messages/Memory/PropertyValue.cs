using System.Globalization;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>
/// A graph node or edge property value on the wire: a string, a 64-bit integer, a double or a boolean, each as its
/// natural MessagePack type. Values of different kinds are never equal (<c>1</c> is not <c>1.0</c>).
/// </summary>
public readonly struct PropertyValue : IEquatable<PropertyValue>
{
    private readonly string? _string;
    private readonly long _bits;

    private PropertyValue(PropertyValueKind kind, string? text, long bits)
    {
        Kind = kind;
        _string = text;
        _bits = bits;
    }

    /// <summary>Which type the value holds (<see cref="PropertyValueKind.None"/> for <c>default</c>).</summary>
    public PropertyValueKind Kind { get; }

    /// <summary>A string value.</summary>
    /// <exception cref="ArgumentNullException">The string is null.</exception>
    public static PropertyValue From(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new PropertyValue(PropertyValueKind.String, value, 0);
    }

    /// <summary>An integer value.</summary>
    public static PropertyValue From(long value) => new(PropertyValueKind.Int64, null, value);

    /// <summary>A floating-point value.</summary>
    public static PropertyValue From(double value) => new(PropertyValueKind.Double, null, BitConverter.DoubleToInt64Bits(value));

    /// <summary>A boolean value.</summary>
    public static PropertyValue From(bool value) => new(PropertyValueKind.Boolean, null, value ? 1 : 0);

    /// <summary>A string value.</summary>
    public static implicit operator PropertyValue(string value) => From(value);

    /// <summary>An integer value.</summary>
    public static implicit operator PropertyValue(long value) => From(value);

    /// <summary>A floating-point value.</summary>
    public static implicit operator PropertyValue(double value) => From(value);

    /// <summary>A boolean value.</summary>
    public static implicit operator PropertyValue(bool value) => From(value);

    /// <summary>Whether two values have the same kind and value.</summary>
    public static bool operator ==(PropertyValue left, PropertyValue right) => left.Equals(right);

    /// <summary>Whether two values differ in kind or value.</summary>
    public static bool operator !=(PropertyValue left, PropertyValue right) => !left.Equals(right);

    /// <summary>The string.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string AsString() => Kind == PropertyValueKind.String ? _string! : throw WrongKind(PropertyValueKind.String);

    /// <summary>The integer.</summary>
    /// <exception cref="InvalidOperationException">The value is not an integer.</exception>
    public long AsInt64() => Kind == PropertyValueKind.Int64 ? _bits : throw WrongKind(PropertyValueKind.Int64);

    /// <summary>The floating-point number.</summary>
    /// <exception cref="InvalidOperationException">The value is not a double.</exception>
    public double AsDouble() => Kind == PropertyValueKind.Double ? BitConverter.Int64BitsToDouble(_bits) : throw WrongKind(PropertyValueKind.Double);

    /// <summary>The boolean.</summary>
    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool AsBoolean() => Kind == PropertyValueKind.Boolean ? _bits != 0 : throw WrongKind(PropertyValueKind.Boolean);

    /// <inheritdoc/>
    public bool Equals(PropertyValue other) => Kind == other.Kind && Kind switch
    {
        PropertyValueKind.String => string.Equals(_string, other._string, StringComparison.Ordinal),
        PropertyValueKind.Double => AsDouble().Equals(other.AsDouble()),
        _ => _bits == other._bits,
    };

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PropertyValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Kind switch
    {
        PropertyValueKind.String => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(_string!)),
        PropertyValueKind.Double => HashCode.Combine(Kind, AsDouble().GetHashCode()),
        _ => HashCode.Combine(Kind, _bits),
    };

    /// <summary>The value in invariant culture (strings as they are).</summary>
    public override string ToString() => Kind switch
    {
        PropertyValueKind.String => _string!,
        PropertyValueKind.Int64 => _bits.ToString(CultureInfo.InvariantCulture),
        PropertyValueKind.Double => AsDouble().ToString("R", CultureInfo.InvariantCulture),
        PropertyValueKind.Boolean => _bits != 0 ? "true" : "false",
        _ => "(none)",
    };

    private InvalidOperationException WrongKind(PropertyValueKind wanted) => new($"The property value is {Kind}, not {wanted}.");
}
