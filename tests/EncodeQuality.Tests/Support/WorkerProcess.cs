using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace EncodeQuality.Tests.Support;

/// <summary>A real eq worker process (eq.dll beside the tests), which a test can kill, stop and read.</summary>
public sealed partial class WorkerProcess : IDisposable
{
    private readonly Process _p;
    private readonly StringBuilder _log = new();

    public WorkerProcess(string name, string amqp, string store, string outRoot, string queue, params string[] extra)
    {
        Name = name;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "eq.dll"), "worker", "--amqp", amqp, "--store", store,
                     "--out-root", outRoot, "--queue", queue, "--name", name, "--progress-interval", "0.5", "--vmaf-engine", "managed", .. extra])
            psi.ArgumentList.Add(a);
        _p = Process.Start(psi)!;
        _p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _p.BeginErrorReadLine();
        _p.BeginOutputReadLine();
    }

    public string Name { get; }
    public int Pid => _p.Id;
    public bool HasExited => _p.HasExited;

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>SIGKILL: the process dies at once, as in an OOM kill or a lost spot instance.</summary>
    public void Kill()
    {
        _p.Kill();
        _p.WaitForExit();
    }

    /// <summary>SIGTERM, as a deploy or `docker stop` sends it.</summary>
    public void Terminate() => _ = SendSignal(_p.Id, 15);

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_p.WaitForExit(timeout)) throw new TimeoutException($"worker {Name} did not exit within {timeout}: {Log}");
        _p.WaitForExit();
        return _p.ExitCode;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);

    public void Dispose()
    {
        if (!_p.HasExited) _p.Kill();
        _p.Dispose();
    }
}
