using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EncodeQuality.Results.Store;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq query NAME --store S [--since T] [--rendition R] [--run ID] [--score-at M] [--metric M] [--format table|csv|json]</summary>
public static class QueryCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name")
        {
            Description = "The query: " + string.Join("; ", StoreQueries.Descriptions.Select(kv => $"{kv.Key}: {kv.Value}")),
        };
        name.AcceptOnlyFromAmong([.. StoreQueries.Descriptions.Keys]);
        var store = new Option<string?>("--store") { Description = "SQLite file path, or a postgres:// URL or Npgsql connection string (env EQ_STORE)" };
        var since = SharedOptions.Since("Only runs started at or after this");
        var rendition = new Option<string?>("--rendition") { Description = "Rendition name" };
        var run = new Option<string?>("--run") { Description = "Run id (frames: default the latest run with the rendition)" };
        var scoreAt = new Option<string>("--score-at") { Description = "encode or source", DefaultValueFactory = _ => "encode" };
        scoreAt.AcceptOnlyFromAmong("encode", "source");
        var metric = new Option<string>("--metric") { Description = "Metric for frames (vmaf, psnr_y, float_ssim, ...)", DefaultValueFactory = _ => "vmaf" };
        var format = new Option<string>("--format") { Description = "table, csv or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var cmd = new Command("query", "Ask a results store one of the named questions.\n\nExample:\n  eq query profile-percentiles --store eq.db --since 2026-11-01")
        {
            name, store, since, rendition, run, scoreAt, metric, format, logJson, verbose,
        };
        cmd.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose), log =>
        {
            var from = SharedOptions.ParseSince(p.GetValue(since), DateTimeOffset.UtcNow);
            string where = p.GetValue(store) ?? Environment.GetEnvironmentVariable("EQ_STORE") ?? throw new InputException("--store (or EQ_STORE) is required");
            var target = new ResultStore(StoreLocation.ParseExisting(where));
            var result = StoreQueries.Run(target, p.GetValue(name)!, new QueryFilter(from, p.GetValue(rendition), p.GetValue(run),
                p.GetValue(scoreAt)!, p.GetValue(metric)!));
            Console.Out.Write(p.GetValue(format) switch
            {
                "csv" => Csv(result),
                "json" => Json(result),
                _ => Table(result),
            });
            return Task.CompletedTask;
        }));
        return cmd;
    }

    private static string Text(object? v) => v switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static string Table(QueryResult r) =>
        ResultTable.Format([.. r.Columns], [.. r.Rows.Select(row => row.Select(v => v is double d ? d.ToString("F3", CultureInfo.InvariantCulture) : Text(v)).ToList())]);

    private static string Csv(QueryResult r)
    {
        static string Cell(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', r.Columns.Select(Cell)));
        foreach (var row in r.Rows) sb.AppendLine(string.Join(',', row.Select(v => Cell(Text(v)))));
        return sb.ToString();
    }

    private static string Json(QueryResult r)
    {
        var rows = r.Rows.Select(row => r.Columns.Select((c, i) => (c, row[i])).ToDictionary(x => x.c, x => x.Item2));
        return JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }
}
