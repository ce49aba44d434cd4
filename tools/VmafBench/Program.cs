// Times each feature extractor a VMAF model asks for, alone, on one thread, in milliseconds per
// frame: each extractor (and its temporal step) runs over every frame pair of two 4:2:0 y4m files,
// a warm-up pass first, the best of the timed passes reported. Each pair is loaded into the
// engine's frame pair just before it is scored, as a worker does, and only the scoring is timed;
// "load" is that per-frame copy of the pictures, timed on its own.
//   VmafBench REF.y4m DIST.y4m MODEL.json [passes]
using System.Diagnostics;
using System.Text;
using EncodeQuality.Vmaf;
using EncodeQuality.Vmaf.Features;
using EncodeQuality.Vmaf.Model;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: VmafBench REF.y4m DIST.y4m MODEL.json [passes]");
    return 1;
}
int passes = args.Length > 3 ? int.Parse(args[3]) : 3;
var reference = Y4m.Read(args[0]);
var distorted = Y4m.Read(args[1]);
if (reference.Width != distorted.Width || reference.Height != distorted.Height || reference.Frames.Count != distorted.Frames.Count)
{
    Console.Error.WriteLine("the two files differ in size or frame count");
    return 1;
}
var model = VmafModel.Load(args[2]);
int w = reference.Width, h = reference.Height, n = reference.Frames.Count;

var (chosen, _) = VmafScorer.Choose(model);
bool withFloat = chosen.Any(c => c.Entry.UsesFloat), withChroma = chosen.Any(c => c.Entry.UsesChroma);
bool withBlur = chosen.Any(c => c.Entry.KeepsBlurredReference);

// Every frame in a pair of its own, linked to the one before, as the frames in flight are.
var pairs = new FramePair[n];
double load = double.MaxValue;
for (int pass = 0; pass <= passes; pass++)
{
    var clock = Stopwatch.StartNew();
    for (int f = 0; f < n; f++)
    {
        pairs[f] ??= new FramePair(w, h, withFloat, withChroma, withBlur);
        pairs[f].Load(reference.Picture(f), distorted.Picture(f));
        pairs[f].Previous = f > 0 ? pairs[f - 1] : null;
    }
    if (pass > 0) load = Math.Min(load, clock.Elapsed.TotalMilliseconds / n);
}
Console.WriteLine($"{"load",-16} {load,8:F2}");

var context = new FeatureExtractors.Context(w, h);
foreach (var (entry, options) in chosen)
{
    var extractor = entry.Create(context, options);
    double best = double.MaxValue;
    for (int pass = 0; pass <= passes; pass++)
    {
        // Three rows: a temporal step completes the frame before the one it is given.
        var board = new FeatureBoard(extractor.Features, 3);
        var step = extractor.CreateTemporalStep();
        long ticks = 0;
        for (int f = 0; f < n; f++)
        {
            // Loaded just before, as a worker loads the pair it then scores: the extractor finds
            // the pictures where the pipeline leaves them (in cache), not in memory from long ago.
            pairs[f].Load(reference.Picture(f), distorted.Picture(f));
            long start = Stopwatch.GetTimestamp();
            if (f >= 3) board.Close(f - 3);
            board.Open(f);
            extractor.Extract(f, pairs[f], true, board);
            step?.Advance(f, pairs[f], true, board);
            ticks += Stopwatch.GetTimestamp() - start;
        }
        long flush = Stopwatch.GetTimestamp();
        step?.Flush(board);
        ticks += Stopwatch.GetTimestamp() - flush;
        if (pass > 0) best = Math.Min(best, Stopwatch.GetElapsedTime(0, ticks).TotalMilliseconds / n);
    }
    Console.WriteLine($"{entry.Name + options.Suffix,-16} {best,8:F2}");
}
return 0;

/// <summary>A 4:2:0 y4m file read whole: its frames' planes as they are in the file.</summary>
sealed class Y4m
{
    public int Width, Height, BitDepth = 8;
    public List<byte[]> Frames = [];

    public static Y4m Read(string path)
    {
        var y = new Y4m();
        using var s = File.OpenRead(path);
        string header = ReadLine(s);
        foreach (var token in header.Split(' '))
        {
            if (token.StartsWith('W')) y.Width = int.Parse(token[1..]);
            else if (token.StartsWith('H')) y.Height = int.Parse(token[1..]);
            else if (token.StartsWith('C') && token.Contains("p10")) y.BitDepth = 10;
            else if (token.StartsWith('C') && !token.StartsWith("C420")) throw new NotSupportedException($"{path}: {token} is not 4:2:0");
        }
        int bytes = y.BitDepth > 8 ? 2 : 1;
        int cw = (y.Width + 1) / 2, ch = (y.Height + 1) / 2;
        int size = (y.Width * y.Height + 2 * cw * ch) * bytes;
        while (s.Position < s.Length)
        {
            ReadLine(s); // FRAME
            var frame = new byte[size];
            s.ReadExactly(frame);
            y.Frames.Add(frame);
        }
        return y;
    }

    private static string ReadLine(Stream s)
    {
        var sb = new StringBuilder();
        int c;
        while ((c = s.ReadByte()) is not -1 and not '\n') sb.Append((char)c);
        return sb.ToString();
    }

    public YuvPicture Picture(int f)
    {
        var data = Frames[f];
        int cw = (Width + 1) / 2, ch = (Height + 1) / 2, luma = Width * Height, chroma = cw * ch;
        if (BitDepth == 8)
            return new YuvPicture(new SamplePlane(data.AsSpan(0, luma), Width, Height, Width),
                new SamplePlane(data.AsSpan(luma, chroma), cw, ch, cw), new SamplePlane(data.AsSpan(luma + chroma, chroma), cw, ch, cw));
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(data);
        return new YuvPicture(new SamplePlane(words[..luma], Width, Height, Width, BitDepth),
            new SamplePlane(words.Slice(luma, chroma), cw, ch, cw, BitDepth), new SamplePlane(words.Slice(luma + chroma, chroma), cw, ch, cw, BitDepth));
    }
}
