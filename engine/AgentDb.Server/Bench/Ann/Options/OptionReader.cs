using System.Globalization;

namespace AgentDb.Server.Bench.Ann.Options;

/// <summary>
/// Reads <c>--name value</c> / <c>--name=value</c> pairs and bare <c>--flag</c>s from a command line, rejecting
/// unknown names, repeated names and missing values; then hands out typed, range-checked values. Each failure is one
/// message naming the option, for a usage error (exit code 2).
/// </summary>
internal sealed class OptionReader
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    private OptionReader()
    {
    }

    /// <summary>
    /// Splits <paramref name="args"/> into options; <paramref name="valued"/> names options that take a value,
    /// <paramref name="flags"/> those that take none (names without the leading dashes).
    /// </summary>
    public static bool TryRead(
        IReadOnlyList<string> args, IReadOnlySet<string> valued, IReadOnlySet<string> flags, out OptionReader reader, out string? error)
    {
        reader = new OptionReader();
        error = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                error = $"unexpected argument '{arg}' (options start with --).";
                return false;
            }

            string name = arg[2..];
            string? value = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (flags.Contains(name))
            {
                if (value is not null)
                {
                    error = $"--{name} takes no value.";
                    return false;
                }
            }
            else if (valued.Contains(name))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        error = $"--{name} needs a value.";
                        return false;
                    }

                    value = args[++i];
                }
            }
            else
            {
                error = $"unknown option --{name}.";
                return false;
            }

            if (!reader._values.TryAdd(name, value))
            {
                error = $"--{name} is given more than once.";
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether option <paramref name="name"/> was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The value of <paramref name="name"/>, or <paramref name="fallback"/> when it was not given.</summary>
    public string? GetString(string name, string? fallback = null) => _values.TryGetValue(name, out string? value) ? value : fallback;

    /// <summary>Reads integer option <paramref name="name"/> in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public bool TryGetInt(string name, int fallback, int min, int max, out int value, out string? error)
    {
        error = null;
        value = fallback;
        if (!_values.TryGetValue(name, out string? text))
        {
            return true;
        }

        return TryParseInt(text, $"--{name}", min, max, out value, out error);
    }

    /// <summary>Parses <paramref name="text"/> as an integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static bool TryParseInt(string? text, string what, int min, int max, out int value, out string? error)
    {
        error = null;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            error = $"{what} must be an integer; got '{text}'.";
            return false;
        }

        if (value < min || value > max)
        {
            error = $"{what} must be between {min} and {max}; got {value}.";
            return false;
        }

        return true;
    }

    /// <summary>Parses a comma-separated list of integers, each in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static bool TryParseIntList(string text, string what, int min, int max, out int[] values, out string? error)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!TryParseInt(parts[i], $"{what} (item {i + 1})", min, max, out values[i], out error))
            {
                return false;
            }
        }

        error = null;
        return true;
    }
}
