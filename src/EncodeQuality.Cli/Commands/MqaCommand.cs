using System.CommandLine;
using EncodeQuality.Downstream.Mqa;
using EncodeQuality.Results.Files;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq mqa headers|hls: a rendition's per-segment scores as CMSD-MQA data for packagers, origins and players.</summary>
public static class MqaCommand
{
    public static Command Create()
    {
        var keysOption = () => new Option<string?>("--mqa-keys") { Description = "JSON of field to dictionary key (null leaves a field out); defaults: README, \"CMSD-MQA\"" };
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();

        var segments = new Argument<string>("segments") { Description = "NAME.segments.json from eq encode --segment-duration" };
        var carry = new Option<string>("--carry") { Description = "same: each segment's values on its own response; next: on the next segment's (low latency), the last in a trailing record", DefaultValueFactory = _ => "same" };
        carry.AcceptOnlyFromAmong("same", "next");
        var keys = keysOption();
        var headers = new Command("headers", "Print, per segment, the CMSD-Static header line (an RFC 8941 dictionary) a packager adds to its response.\n\nExample:\n  eq mqa headers out/720p.segments.json --carry next")
        {
            segments, carry, keys, logJson, verbose,
        };
        headers.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose), log =>
        {
            var mqaKeys = p.GetValue(keys) is { } k ? MqaKeys.Load(k) : MqaKeys.Default;
            var (_, list) = SegmentsFile.Load(p.GetValue(segments)!);
            // One line per record: the segment whose response carries it (or "trailer"), a tab, the header line.
            foreach (var r in MqaHeaders.Records(list, mqaKeys, p.GetValue(carry) == "next"))
                Console.Out.WriteLine($"{(r.Carrier is { } c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : "trailer")}\t{r.Header}");
            return Task.CompletedTask;
        }));

        var playlist = new Argument<string>("playlist") { Description = "The rendition's HLS media playlist (.m3u8)" };
        var segmentsOption = new Option<string>("--segments") { Description = "NAME.segments.json of the same rendition", Required = true };
        var outFile = new Option<string?>("--out") { Description = "Write the tagged playlist here (default: stdout)" };
        var hlsKeys = keysOption();
        var hls = new Command("hls", "Add our own tag #EXT-EQ-MQA (the segment's CMSD-MQA dictionary) before each segment of an HLS media playlist.\n\nExample:\n  eq mqa hls 720p.m3u8 --segments out/720p.segments.json --out 720p-mqa.m3u8")
        {
            playlist, segmentsOption, outFile, hlsKeys, logJson, verbose,
        };
        hls.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose),
            () => RunInputs.None.With("playlist", p.GetValue(playlist)).With("segments file", p.GetValue(segmentsOption))
                .With("keys file", p.GetValue(hlsKeys)), (log, inputs) =>
        {
            string path = p.GetValue(playlist)!;
            inputs.CheckOutputs(("--out", p.GetValue(outFile)));
            if (!File.Exists(path)) throw new InputException($"{path}: no such playlist");
            var mqaKeys = p.GetValue(hlsKeys) is { } k ? MqaKeys.Load(k) : MqaKeys.Default;
            var (_, list) = SegmentsFile.Load(p.GetValue(segmentsOption)!);
            string tagged = HlsMqaTags.Apply(File.ReadAllText(path), path, list, mqaKeys);
            if (p.GetValue(outFile) is { } target)
            {
                string temp = EncodeQuality.Results.Files.OutputFolder.TempPathBeside(Path.GetFullPath(target));
                File.WriteAllText(temp, tagged);
                File.Move(temp, target, overwrite: true);
            }
            else Console.Out.Write(tagged);
            return Task.CompletedTask;
        }));
        return new Command("mqa", "Per-segment quality downstream: CMSD-MQA headers and HLS tags") { headers, hls };
    }
}
