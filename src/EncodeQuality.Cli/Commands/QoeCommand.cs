using System.CommandLine;
using EncodeQuality.Downstream.Qoe;
using EncodeQuality.Downstream.Qoe.Models;
using EncodeQuality.Results.Files;
using EncodeQuality.Model;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq qoe SESSIONS --run RUN: session QoE from what viewers played and what the run measured per segment.</summary>
public static class QoeCommand
{
    public static Command Create()
    {
        var sessions = new Argument<string?>("sessions")
        {
            Description = "A session file: JSON (one session or an array) or JSON Lines (one session a line); see README, \"Session QoE\"",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var run = new Option<string?>("--run") { Description = "The run the sessions played: an output folder, or a stored run id with --store" };
        var store = SharedOptions.Store();
        var scoreAt = new Option<string?>("--score-at") { Description = "Which scores give a segment its VMAF: source (the rendition upscaled to the source, the default when present) or encode" };
        scoreAt.AcceptOnlyFromAmong("source", "encode");
        var mu = new Option<double>("--abr-mu") { Description = "ABR objective: the weight of a second of rebuffering", DefaultValueFactory = _ => 4.3 };
        var qScale = new Option<double>("--abr-q-scale") { Description = "ABR objective: q = VMAF / this", DefaultValueFactory = _ => 20 };
        var json = new Option<string?>("--json") { Description = "Also write every figure as JSON" };
        var demo = new Option<bool>("--demo") { Description = "The worked example: three viewers of a 100 s program from fixed-VMAF rungs (no run needed)" };
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var cmd = new Command("qoe", "Session QoE from the renditions viewers played, each segment given its measured VMAF: played VMAF, the ABR objective, a P.1203-style MOS, Mux's and Bitmovin's published scores.\n\nExample:\n  eq qoe sessions.jsonl --run out --json qoe.json")
        {
            sessions, run, store, scoreAt, mu, qScale, json, demo, logJson, verbose,
        };
        cmd.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose),
            () => RunInputs.None.With("session file", p.GetValue(sessions)).WithFileOrFolder("run", p.GetValue(run))
                .With("store", SharedOptions.StoreFile(p.GetValue(store))), (log, inputs) =>
        {
            inputs.CheckOutputs(("--json", p.GetValue(json)));
            if (!(p.GetValue(qScale) > 0) || !double.IsFinite(p.GetValue(qScale))) throw new InputException("--abr-q-scale must be a finite number above 0");
            if (!(p.GetValue(mu) >= 0) || !double.IsFinite(p.GetValue(mu))) throw new InputException("--abr-mu must be a finite number of at least 0");
            var abr = new AbrObjectiveOptions(p.GetValue(mu), p.GetValue(qScale));
            QoeReport report;
            if (p.GetValue(demo))
            {
                if (p.GetValue(sessions) is not null || p.GetValue(run) is not null) throw new InputException("--demo takes no session file and no --run");
                report = QoeReport.Evaluate(DemoSessions.Sessions, DemoSessions.Ladder, abr, "the worked example's ladder", "fixed VMAF per rung");
            }
            else
            {
                string file = p.GetValue(sessions) ?? throw new InputException("give a session file (or --demo)");
                string source = p.GetValue(run) ?? throw new InputException("--run is needed: the output folder or stored run id the sessions played");
                var played = SessionFile.Load(file);
                var outcome = SharedOptions.ReadRun(source, p.GetValue(store));
                var quality = new RunQuality(outcome, p.GetValue(scoreAt) switch { "source" => ScoreAt.Source, "encode" => ScoreAt.Encode, _ => null });
                report = QoeReport.Evaluate(played, quality, abr, $"run {outcome.Run.RunId}",
                    quality.Mode == ScoreAt.Source ? "scored at source size" : "scored at the rendition's size");
            }
            Console.Out.Write(report.Text());
            if (p.GetValue(json) is { } path) report.WriteJson(path);
            return Task.CompletedTask;
        }));
        return cmd;
    }
}
