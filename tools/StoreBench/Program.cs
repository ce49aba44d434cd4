using System.Diagnostics;
using EncodeQuality.Pipeline;
using EncodeQuality.Metrics;
using EncodeQuality.Results;
using EncodeQuality.Results.Store;

// Writes one run of RUNGS rungs x FRAMES frames x both score-at modes, with the features of
// --metrics vmaf,psnr,ssim (17 per frame), to the store given, in one transaction, and prints the
// time and the store's size. Values are random: the store does not care what they are.
//   StoreBench STORE [rungs] [frames]
string spec = args[0];
int rungs = args.Length > 1 ? int.Parse(args[1]) : 6, frames = args.Length > 2 ? int.Parse(args[2]) : 3000;
string[] metrics = ["vmaf", "integer_adm2", "integer_adm_scale0", "integer_adm_scale1", "integer_adm_scale2", "integer_adm_scale3",
    "integer_motion2", "integer_motion", "integer_vif_scale0", "integer_vif_scale1", "integer_vif_scale2", "integer_vif_scale3",
    "psnr_y", "psnr_cb", "psnr_cr", "psnr_avg_611", "float_ssim"];
var random = new Random(1);
ScoreSheet Sheet()
{
    var s = new ScoreSheet();
    foreach (var m in metrics)
    {
        int c = s.Column(m);
        for (int f = 0; f < frames; f++) s.Set(c, f, random.NextDouble() * 100);
    }
    return s;
}
var source = new SourceFacts("/media/source.mp4", "sha256-ends:0", 1920, 1080, 8, 25, 1, "h264");
var start = new RunStart(Guid.NewGuid().ToString("N"), null, "encode", source, "{\"renditions\":[]}", "{}", "bench", "bench", "bench", DateTimeOffset.UtcNow);
var renditions = Enumerable.Range(0, rungs).Select(i => new RenditionOutcome(new RenditionFacts
{
    Name = $"r{i}", Codec = "x264", Width = 1920 >> (i / 2), Height = 1080 >> (i / 2), BitDepth = 8, Frames = frames, SizeBytes = 1 << 20,
    BitrateKbps = 1000, File = $"r{i}.mp4",
}, null, [new ScoreSet(ScoreAt.Encode, Sheet()), new ScoreSet(ScoreAt.Source, Sheet())])).ToList();
var run = new RunOutcome(start, frames, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow, renditions);

var store = new ResultStore(StoreLocation.Parse(spec));
store.EnsureSchema();
var clock = Stopwatch.StartNew();
store.Write(run);
clock.Stop();
using var c = store.Connect();
using var cmd = c.CreateCommand();
cmd.CommandText = store.Location.IsPostgres ? "SELECT pg_database_size(current_database())" : "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()";
long bytes = Convert.ToInt64(cmd.ExecuteScalar());
Console.WriteLine($"{(store.Location.IsPostgres ? "postgresql" : "sqlite"),-10} {rungs} rungs x {frames} frames x 2 modes x {metrics.Length} metrics = " +
    $"{rungs * frames * 2 * metrics.Length} values: {clock.Elapsed.TotalSeconds:F2} s, store {bytes / 1048576.0:F1} MiB");
