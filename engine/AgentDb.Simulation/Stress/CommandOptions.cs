using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AgentDb.Simulation.Stress;

/// <summary>
/// The options of a tool subcommand (<c>agentdb stress</c>, <c>agentdb size</c>): <c>--name value</c> or
/// <c>--name=value</c>, flags without a value, each at most once; and the typed readers that turn a value into a
/// number or list with a clear message when it is not one. Never throws on bad input.
/// </summary>
internal sealed class CommandOptions
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    private CommandOptions()
    {
    }

    /// <summary>True when the option was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The option's value, or null when not given.</summary>
    public string? Value(string name) => _values.GetValueOrDefault(name);

    /// <summary>Splits <paramref name="args"/> into options; <paramref name="flags"/> take no value, <paramref name="valued"/> take one.</summary>
    public static bool TryParse(
        IReadOnlyList<string> args, IReadOnlySet<string> flags, IReadOnlySet<string> valued,
        [NotNullWhen(true)] out CommandOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = new CommandOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{arg}'";
                break;
            }
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg : arg[..equals];
            string? value = null;
            if (flags.Contains(name))
            {
                if (equals >= 0)
                {
                    error = $"option {name} takes no value";
                    break;
                }
            }
            else if (valued.Contains(name))
            {
                if (equals >= 0)
                {
                    value = arg[(equals + 1)..];
                }
                else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    value = args[++i];
                }
                if (string.IsNullOrEmpty(value))
                {
                    error = $"option {name} needs a value";
                    break;
                }
            }
            else
            {
                error = $"unknown option '{name}'";
                break;
            }
            if (!options._values.TryAdd(name, value))
            {
                error = $"option {name} given more than once";
                break;
            }
        }
        if (error is not null)
        {
            options = null;
            return false;
        }
        return true;
    }

    /// <summary>An integer option in [min, max]; <paramref name="value"/> keeps its default when the option is absent.</summary>
    public bool TryGetInt64(string name, long min, long max, ref long value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (Value(name) is not { } text)
        {
            return true;
        }
        if (!TryParseInt64(text, out var parsed))
        {
            error = $"invalid {name} '{text}': not a whole number";
            return false;
        }
        if (parsed < min || parsed > max)
        {
            error = $"invalid {name} '{text}': must be between {min.ToString("N0", CultureInfo.InvariantCulture)} and {max.ToString("N0", CultureInfo.InvariantCulture)}";
            return false;
        }
        value = parsed;
        return true;
    }

    /// <summary>A number option in (0, max]; <paramref name="value"/> keeps its default when the option is absent.</summary>
    public bool TryGetPositiveDouble(string name, double max, ref double value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (Value(name) is not { } text)
        {
            return true;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !double.IsFinite(parsed))
        {
            error = $"invalid {name} '{text}': not a number";
            return false;
        }
        if (parsed <= 0 || parsed > max)
        {
            error = $"invalid {name} '{text}': must be more than 0 and at most {max.ToString(CultureInfo.InvariantCulture)}";
            return false;
        }
        value = parsed;
        return true;
    }

    /// <summary>A comma-separated list of distinct integers in [min, max], kept in ascending order; null when absent.</summary>
    public bool TryGetIntList(string name, int min, int max, out IReadOnlyList<int>? list, [NotNullWhen(false)] out string? error)
    {
        list = null;
        error = null;
        if (Value(name) is not { } text)
        {
            return true;
        }
        var values = new SortedSet<int>();
        foreach (var part in text.Split(','))
        {
            var item = part.Trim();
            if (!TryParseInt64(item, out var parsed) || parsed < min || parsed > max)
            {
                error = $"invalid {name} '{text}': '{item}' is not a whole number between {min} and {max.ToString("N0", CultureInfo.InvariantCulture)}";
                return false;
            }
            if (!values.Add((int)parsed))
            {
                error = $"invalid {name} '{text}': {item} is listed twice";
                return false;
            }
        }
        list = [.. values];
        return true;
    }

    /// <summary>Parses <c>host:port</c> (an IPv6 host in brackets).</summary>
    public static bool TryParseEndpoint(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port is < 1 or > 65_535)
        {
            return false;
        }
        var name = text.AsSpan(0, colon);
        if (name.Length > 2 && name[0] == '[' && name[^1] == ']')
        {
            name = name[1..^1];
        }
        else if (name.Contains(':'))
        {
            return false;
        }
        host = name.ToString();
        return host.Length > 0;
    }

    private static bool TryParseInt64(string text, out long value)
    {
        // Digits with optional '_' or ',' separators are not accepted: plain digits only, as the CLI documents.
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
