using System.Globalization;
using System.Text;
using AgentDb.Server.Bench.Ann.Running;

namespace AgentDb.Server.Bench.Ann.Reporting;

/// <summary>
/// The console summary: one row per candidate and ef, with build time (on all threads and on one), inserts per second,
/// bytes per vector, recall@k and single-thread queries per second. Columns are padded to their widest cell.
/// </summary>
internal static class ResultTableWriter
{
    /// <summary>Writes the table of <paramref name="report"/> to <paramref name="output"/>.</summary>
    public static void Write(AnnBenchmarkReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        int threads = report.Workload.Threads;
        string[] header =
        [
            "candidate", $"build s ({threads}t)", "build s (1t)", "inserts/s", "bytes/vector", "ef", $"recall@{report.Workload.K}", "QPS (1 thread)", "p50 us",
        ];
        var rows = new List<string[]>();
        foreach (CandidateResult result in report.Results)
        {
            foreach (SweepPoint point in result.Sweep)
            {
                rows.Add(
                [
                    result.Name,
                    Format(result.BuildSeconds, "F2"),
                    result.BuildSecondsSingleThread is double single ? Format(single, "F2") : "-",
                    result.InsertsPerSecond is double inserts ? Format(inserts, "N0") : "-",
                    Format(result.BytesPerVector, "N0"),
                    point.Ef == 0 ? "-" : point.Ef.ToString(CultureInfo.InvariantCulture),
                    Format(point.Recall, "F4"),
                    Format(point.QueriesPerSecond, "N0"),
                    point.LatencyP50Micros is double p50 ? Format(p50, "N0") : "-",
                ]);
            }
        }

        var widths = new int[header.Length];
        for (int c = 0; c < header.Length; c++)
        {
            widths[c] = header[c].Length;
            foreach (string[] row in rows)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        output.WriteLine(Line(header, widths));
        output.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (string[] row in rows)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0)
            {
                line.Append(" | ");
            }

            // The name column reads left to right; figures line up on their last digit.
            line.Append(c == 0 ? cells[c].PadRight(widths[c]) : cells[c].PadLeft(widths[c]));
        }

        return line.ToString().TrimEnd();
    }

    private static string Format(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "inf";
}
