using System.CommandLine;
using System.Text.Json;
using EncodeQuality.Farm.Broker;
using EncodeQuality.Farm.Jobs;
using EncodeQuality.Model;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq submit --amqp URL [FILE.jsonl | -] or eq submit --amqp URL --source S --ladder L [--job-id ID] ...</summary>
public static class SubmitCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("jobs") { Description = "Jobs as JSON Lines, one job object per line (- reads stdin); or build one job from the options", Arity = ArgumentArity.ZeroOrOne };
        var amqp = new Option<string>("--amqp") { Description = "The broker: amqp://USER:PASSWORD@HOST:PORT/VHOST (env EQ_AMQP)" };
        var queue = new Option<string>("--queue") { Description = "The jobs queue", DefaultValueFactory = _ => BrokerTopology.DefaultQueue };
        var limit = new Option<int>("--delivery-limit") { Description = "The queue's delivery limit, if this submit creates it", DefaultValueFactory = _ => BrokerTopology.DefaultDeliveryLimit };
        var source = new Option<string?>("--source") { Description = "One job: the source's path on shared storage" };
        var ladder = new Option<string?>("--ladder") { Description = "One job: 'default' or a ladder file (its content goes in the job)" };
        var jobId = new Option<string?>("--job-id") { Description = "One job: its id (default: a new one)" };
        var outDir = new Option<string?>("--out") { Description = "One job: its output folder (default: the worker's --out-root/JOBID)" };
        var scoreAt = new Option<string?>("--score-at") { Description = "One job: encode, source or both" };
        var metrics = new Option<string?>("--metrics") { Description = $"One job: comma-separated metrics (default {SharedOptions.DefaultMetrics}; none: encode only)" };
        var gate = new Option<string[]>("--gate") { Description = "One job: a quality gate, repeatable" };
        var sampleRate = new Option<double?>("--sample-rate") { Description = "One job: the share of jobs scored" };
        var frames = new Option<long?>("--frames") { Description = "One job: encode only the first N frames" };
        var segmentDuration = new Option<string?>("--segment-duration") { Description = "One job: segment seconds, or keyint (as eq encode takes it)" };
        var sourceErrors = new Option<string?>("--source-errors") { Description = "One job: fail or conceal (as eq encode takes it)" };
        sourceErrors.AcceptOnlyFromAmong("fail", "conceal");
        var baseline = new Option<string?>("--baseline") { Description = "One job: a run to compare with (output folder, summary.json or stored run id)" };
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var cmd = new Command("submit", "Publish encode jobs to the farm's queue, with publisher confirms (the job schema: eq submit --schema).\n\n" +
            "Example:\n  eq submit --amqp amqp://eq:secret@mq/ --source /shared/src/film.mp4 --ladder default --job-id film-42")
        {
            file, amqp, queue, limit, source, ladder, jobId, outDir, scoreAt, metrics, gate, sampleRate, frames, segmentDuration, sourceErrors, baseline,
            logJson, verbose,
        };
        var schema = new Option<bool>("--schema") { Description = "Print the job message's JSON Schema and exit" };
        cmd.Add(schema);
        cmd.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose), async log =>
        {
            if (p.GetValue(schema))
            {
                Console.Out.WriteLine(JobMessage.SchemaText);
                return;
            }
            string url = p.GetValue(amqp) ?? Environment.GetEnvironmentVariable("EQ_AMQP") ?? throw new InputException("--amqp (or EQ_AMQP) is required");
            IReadOnlyList<JobMessage> jobs;
            if (p.GetValue(file) is { } path)
            {
                if (p.GetValue(source) is not null) throw new InputException("give either a jobs file or --source, not both");
                if (path == "-") jobs = JobSubmitter.ReadLines(Console.In, "stdin");
                else
                {
                    if (!File.Exists(path)) throw new InputException($"jobs {path}: no such file");
                    using var reader = File.OpenText(path);
                    jobs = JobSubmitter.ReadLines(reader, path);
                }
            }
            else
            {
                string src = p.GetValue(source) ?? throw new InputException("give a jobs file (JSON Lines), or --source and --ladder for one job");
                string ladderSpec = p.GetValue(ladder) ?? throw new InputException("--ladder is required with --source ('default' or a ladder file)");
                var job = new Dictionary<string, object?>
                {
                    ["version"] = JobMessage.CurrentVersion,
                    ["jobId"] = p.GetValue(jobId) ?? Guid.NewGuid().ToString("N"),
                    ["source"] = Path.GetFullPath(src),
                    ["ladder"] = ladderSpec == "default" ? "default" : JsonDocument.Parse(ReadLadder(ladderSpec)).RootElement,
                    ["out"] = p.GetValue(outDir) is { } o ? Path.GetFullPath(o) : null,
                    ["scoreAt"] = p.GetValue(scoreAt),
                    ["metrics"] = p.GetValue(metrics) is { } m ? (m.Trim() == "none" ? [] : m.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)) : null,
                    ["gates"] = p.GetValue(gate) is { Length: > 0 } g ? g : null,
                    ["sampleRate"] = p.GetValue(sampleRate),
                    ["frames"] = p.GetValue(frames),
                    ["baseline"] = p.GetValue(baseline),
                    ["segmentDuration"] = p.GetValue(segmentDuration) is { } seg
                        ? seg == "keyint" ? seg : SegmentPlan.Parse(seg).Seconds
                        : null,
                    ["sourceErrors"] = p.GetValue(sourceErrors),
                };
                jobs = [JobMessage.Parse(JsonSerializer.Serialize(job.Where(kv => kv.Value is not null).ToDictionary()))];
            }
            await JobSubmitter.SubmitAsync(url, new BrokerTopology(p.GetValue(queue)!, p.GetValue(limit)), jobs,
                j => Console.Out.WriteLine($"submitted {j.JobId}"), ct);
            log.Information("{Count} jobs submitted to {Queue}", jobs.Count, p.GetValue(queue));
        }));
        return cmd;
    }

    private static string ReadLadder(string path)
    {
        try
        {
            string text = File.ReadAllText(path);
            EncodeQuality.Pipeline.Ladder.LadderParser.Parse(text, path);
            return text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--ladder {path}: cannot read it ({e.Message})");
        }
    }
}
