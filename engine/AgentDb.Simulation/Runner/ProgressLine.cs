using System.Diagnostics;
using System.Globalization;

namespace AgentDb.Simulation.Runner;

/// <summary>A one-line progress bar redrawn in place with a carriage return (<c>[#####-----]  50%</c>), at most every
/// 100 ms and whenever the whole percentage changes. Thread-safe; values below the last one shown are ignored.</summary>
public sealed class ProgressLine : IProgress<double>
{
    private const int Width = 30;
    private static readonly long s_minInterval = Stopwatch.Frequency / 10;

    private readonly TextWriter _writer;
    private readonly string _label;
    private readonly object _gate = new();
    private int _shownPercent = -1;
    private long _shownAt;
    private bool _finished;

    /// <summary>Draws on <paramref name="writer"/> (standard error, normally) with <paramref name="label"/> in front.</summary>
    public ProgressLine(TextWriter writer, string label)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _label = label;
    }

    /// <inheritdoc />
    public void Report(double value)
    {
        int percent = (int)Math.Floor(Math.Clamp(value, 0, 1) * 100);
        lock (_gate)
        {
            long now = Stopwatch.GetTimestamp();
            if (_finished || percent <= _shownPercent || (percent < 100 && now - _shownAt < s_minInterval && _shownPercent >= 0))
            {
                return;
            }
            _shownPercent = percent;
            _shownAt = now;
            int filled = percent * Width / 100;
            _writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r{_label} [{new string('#', filled)}{new string('-', Width - filled)}] {percent,3}%"));
            _writer.Flush();
        }
    }

    /// <summary>Ends the line (once), so what follows starts on a fresh one.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }
            _finished = true;
            if (_shownPercent >= 0)
            {
                _writer.WriteLine();
                _writer.Flush();
            }
        }
    }
}
