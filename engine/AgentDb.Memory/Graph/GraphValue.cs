using System.Globalization;

namespace AgentDb.Memory.Graph;

/// <summary>
/// A property value of a node or edge: a string, a 64-bit integer, a double or a boolean. Values of different kinds are
/// never equal (<c>1L</c> is not <c>1.0</c>); doubles compare with <see cref="double.Equals(double)"/>.
/// </summary>
public readonly struct GraphValue : IEquatable<GraphValue>
{
    private readonly string? _string;
    private readonly long _bits;

    private GraphValue(GraphValueKind kind, string? text, long bits)
    {
        Kind = kind;
        _string = text;
        _bits = bits;
    }

    /// <summary>Which type the value holds (<see cref="GraphValueKind.None"/> for <c>default</c>).</summary>
    public GraphValueKind Kind { get; }

    /// <summary>A string value.</summary>
    /// <exception cref="ArgumentNullException">The string is null.</exception>
    public static GraphValue From(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new GraphValue(GraphValueKind.String, value, 0);
    }

    /// <summary>An integer value.</summary>
    public static GraphValue From(long value) => new(GraphValueKind.Int64, null, value);

    /// <summary>A floating-point value.</summary>
    public static GraphValue From(double value) => new(GraphValueKind.Double, null, BitConverter.DoubleToInt64Bits(value));

    /// <summary>A boolean value.</summary>
    public static GraphValue From(bool value) => new(GraphValueKind.Boolean, null, value ? 1 : 0);

    /// <summary>A string value.</summary>
    /// <exception cref="ArgumentNullException">The string is null.</exception>
    public static implicit operator GraphValue(string value) => From(value);

    /// <summary>An integer value.</summary>
    public static implicit operator GraphValue(long value) => From(value);

    /// <summary>A floating-point value.</summary>
    public static implicit operator GraphValue(double value) => From(value);

    /// <summary>A boolean value.</summary>
    public static implicit operator GraphValue(bool value) => From(value);

    /// <summary>Whether two values have the same kind and value.</summary>
    public static bool operator ==(GraphValue left, GraphValue right) => left.Equals(right);

    /// <summary>Whether two values differ in kind or value.</summary>
    public static bool operator !=(GraphValue left, GraphValue right) => !left.Equals(right);

    /// <summary>The string.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string AsString() => Kind == GraphValueKind.String ? _string! : throw WrongKind(GraphValueKind.String);

    /// <summary>The integer.</summary>
    /// <exception cref="InvalidOperationException">The value is not an integer.</exception>
    public long AsInt64() => Kind == GraphValueKind.Int64 ? _bits : throw WrongKind(GraphValueKind.Int64);

    /// <summary>The floating-point number.</summary>
    /// <exception cref="InvalidOperationException">The value is not a double.</exception>
    public double AsDouble() => Kind == GraphValueKind.Double ? BitConverter.Int64BitsToDouble(_bits) : throw WrongKind(GraphValueKind.Double);

    /// <summary>The boolean.</summary>
    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool AsBoolean() => Kind == GraphValueKind.Boolean ? _bits != 0 : throw WrongKind(GraphValueKind.Boolean);

    /// <inheritdoc/>
    public bool Equals(GraphValue other) => Kind == other.Kind && Kind switch
    {
        GraphValueKind.String => string.Equals(_string, other._string, StringComparison.Ordinal),
        GraphValueKind.Double => BitConverter.Int64BitsToDouble(_bits).Equals(BitConverter.Int64BitsToDouble(other._bits)),
        _ => _bits == other._bits,
    };

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GraphValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Kind switch
    {
        GraphValueKind.String => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(_string!)),
        GraphValueKind.Double => HashCode.Combine(Kind, BitConverter.Int64BitsToDouble(_bits).GetHashCode()),
        _ => HashCode.Combine(Kind, _bits),
    };

    /// <summary>The value in invariant culture (strings as they are).</summary>
    public override string ToString() => Kind switch
    {
        GraphValueKind.String => _string!,
        GraphValueKind.Int64 => _bits.ToString(CultureInfo.InvariantCulture),
        GraphValueKind.Double => BitConverter.Int64BitsToDouble(_bits).ToString("R", CultureInfo.InvariantCulture),
        GraphValueKind.Boolean => _bits != 0 ? "true" : "false",
        _ => "(none)",
    };

    /// <summary>The raw bits of a non-string value (the double's IEEE-754 bits), for hashing into cache keys.</summary>
    internal long RawBits => _bits;

    private InvalidOperationException WrongKind(GraphValueKind wanted) =>
        new($"The property value is {Kind}, not {wanted}.");
}
