using System.CommandLine;
using System.Runtime.Intrinsics.X86;
using EncodeQuality.Native;
using EncodeQuality.Native.Frames;

namespace EncodeQuality.Cli.Commands;

/// <summary>
/// eq doctor: checks what a run needs, one line each, OK or FAIL with how to fix it. Exit 0 when
/// all is well, 1 otherwise. For support questions: paste its output.
/// </summary>
public static class DoctorCommand
{
    /// <param name="Note">Not there, yet nothing fails without it (printed NOTE, exit 0): libvmaf, when the managed engine scores.</param>
    private sealed record Finding(bool Ok, string Topic, string Text, bool Note = false)
    {
        public bool Fails => !Ok && !Note;
        public string Mark => Ok ? "OK  " : Note ? "NOTE" : "FAIL";
    }

    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = "The folder outputs will go to (free space is checked)", DefaultValueFactory = _ => "." };
        var store = new Option<string?>("--store") { Description = "A results store to try (default: $EQ_STORE)" };
        var amqp = new Option<string?>("--amqp") { Description = "A RabbitMQ URL to try (default: $EQ_AMQP)" };
        var cmd = new Command("doctor", "Check the glue, encoders, libvmaf, models, CPU, disk and services; exit 1 if something needs fixing.\n\nExample:\n  eq doctor --out /data/encodes --store postgres://eq:pw@db:5432/eq")
        {
            outDir, store, amqp,
        };
        cmd.SetAction(p =>
        {
            var findings = new List<Finding>();
            findings.AddRange(Glue());
            findings.Add(LibVmaf());
            findings.Add(Models());
            findings.Add(Cpu());
            findings.Add(Disk(p.GetValue(outDir)!));
            findings.Add(Store(p.GetValue(store) ?? Environment.GetEnvironmentVariable("EQ_STORE")));
            findings.Add(Amqp(p.GetValue(amqp) ?? Environment.GetEnvironmentVariable("EQ_AMQP")));
            foreach (var f in findings) Console.Out.WriteLine($"{f.Mark}  {f.Topic,-9} {f.Text}");
            return findings.Any(f => f.Fails) ? ExitCodes.InputError : ExitCodes.Success;
        });
        return cmd;
    }

    private static IEnumerable<Finding> Glue()
    {
        string libraries;
        try { libraries = SourceDecoder.LibraryVersions; }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            return [new Finding(false, "glue", $"the native glue does not load ({e.GetBaseException().Message}). Fix: run scripts/setup, which builds it")];
        }
        var found = new List<Finding> { new(true, "glue", libraries) };
        foreach (var codec in Codecs.All)
            foreach (int depth in new[] { 8, 10 })
            {
                string name = $"{codec.Name} {depth}-bit";
                try
                {
                    VideoEncoder.Plan(EncoderSettings.Of(codec.Codec, codec.FastestPreset, (EncoderOptions.Crf, Math.Round(codec.Crf.Max / 2))),
                        new VideoFormat(64, 64, depth), 25, 1);
                    found.Add(new Finding(true, "encoder", name));
                }
                catch (EncoderSettingsException e)
                {
                    found.Add(new Finding(false, "encoder", codec.Optional ? $"{name}: {e.Message}; {codec.Name} rungs cannot run"
                        : $"{name}: {e.Message}. Fix: install Debian's {codec.Package} (scripts/setup)", Note: codec.Optional));
                }
            }
        return found;
    }

    private static Finding LibVmaf()
    {
        if (EncodeQuality.LibVmaf.LibVmafLibrary.TryLoad(out _, out string detail))
            return new Finding(true, "libvmaf", $"{EncodeQuality.LibVmaf.LibVmafLibrary.Version()} ({detail}); --vmaf-engine auto uses it");
        return new Finding(false, "libvmaf", $"{detail}. The managed engine scores VMAF (--vmaf-engine auto takes it). To use libvmaf: install libvmaf 3 " +
            $"(see the README, \"libvmaf where it is installed\") or set {EncodeQuality.LibVmaf.LibVmafLibrary.OverrideVariable} to libvmaf.so.3", Note: true);
    }

    private static Finding Models()
    {
        string? env = Environment.GetEnvironmentVariable(EncodeQuality.Vmaf.Model.ModelLocator.PathVariable);
        if (!string.IsNullOrEmpty(env) && !Directory.Exists(env) && !File.Exists(env))
            return new Finding(false, "models", $"{EncodeQuality.Vmaf.Model.ModelLocator.PathVariable}={env} is neither a folder nor a model file. " +
                "Fix: point it at a folder of libvmaf JSON models, or unset it");
        try
        {
            string path = EncodeQuality.Vmaf.Model.ModelLocator.Find(null);
            var others = Directory.GetFiles(Path.GetDirectoryName(path)!, "*.json").Length;
            return new Finding(true, "models", $"{path} (the default), {others} models in that folder");
        }
        catch (FileNotFoundException e)
        {
            return new Finding(false, "models", $"{e.Message}. Fix: set {EncodeQuality.Vmaf.Model.ModelLocator.PathVariable} to a folder of libvmaf JSON models");
        }
    }

    private static Finding Cpu()
    {
        var features = new List<string>();
        if (Avx2.IsSupported) features.Add("AVX2");
        if (Fma.IsSupported) features.Add("FMA");
        if (Avx512F.IsSupported) features.Add("AVX-512F");
        if (Avx512BW.IsSupported) features.Add("AVX-512BW");
        int bits = System.Numerics.Vector<byte>.Count * 8;
        string kernels = System.Numerics.Vector.IsHardwareAccelerated ? $"{bits}-bit vector kernels" : "scalar kernels only";
        if (Avx512BW.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) kernels += ", AVX-512 VIF";
        return new Finding(true, "cpu", $"{Environment.ProcessorCount} cores, {(features.Count == 0 ? "no AVX2" : string.Join(", ", features))}; {kernels}");
    }

    private static Finding Disk(string dir)
    {
        string full = Path.GetFullPath(dir);
        var existing = new DirectoryInfo(full);
        while (existing is not null && !existing.Exists) existing = existing.Parent;
        if (existing is null) return new Finding(false, "disk", $"{full}: no such folder or parent");
        long free = new DriveInfo(existing.FullName).AvailableFreeSpace;
        const long needed = 1L << 30;
        return free >= needed
            ? new Finding(true, "disk", $"{free / (double)(1L << 30):0.0} GiB free at {existing.FullName}")
            : new Finding(false, "disk", $"only {free >> 20} MiB free at {existing.FullName}. Fix: free space or choose another --out");
    }

    private static Finding Store(string? location)
    {
        if (location is null) return new Finding(true, "store", "none given (--store or EQ_STORE): not checked");
        try
        {
            var store = new EncodeQuality.Results.Store.ResultStore(EncodeQuality.Results.Store.StoreLocation.Parse(location));
            using var c = store.Connect();
            return new Finding(true, "store", $"{store.Location} answers");
        }
        catch (Exception e) when (e is InputException or EncodeQuality.Results.Store.StoreException)
        {
            return new Finding(false, "store", $"{e.Message}. Fix: check the URL, the server and the password");
        }
    }

    /// <summary>Logs in to the broker for real, as a worker would: a wrong password or a port that is not AMQP fails here.</summary>
    private static Finding Amqp(string? url)
    {
        if (url is null) return new Finding(true, "rabbitmq", "none given (--amqp or EQ_AMQP): not checked");
        try
        {
            var factory = EncodeQuality.Farm.Broker.BrokerConnection.Factory(url, "eq doctor");
            factory.AutomaticRecoveryEnabled = false;
            factory.RequestedConnectionTimeout = TimeSpan.FromSeconds(3);
            factory.HandshakeContinuationTimeout = TimeSpan.FromSeconds(3);
            using var done = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var c = EncodeQuality.Farm.Broker.BrokerConnection.OpenAsync(factory, done.Token).GetAwaiter().GetResult();
            return new Finding(true, "rabbitmq", $"{EncodeQuality.Farm.Broker.BrokerConnection.Describe(factory)} accepts user '{factory.UserName}'");
        }
        catch (InputException e) { return new Finding(false, "rabbitmq", e.Message); } // a malformed URL, or credentials the broker refuses
        catch (Exception e) when (e is EncodeQuality.Farm.Broker.BrokerException or OperationCanceledException)
        {
            return new Finding(false, "rabbitmq", $"{e.Message}. Fix: start the broker or correct the URL");
        }
    }
}
