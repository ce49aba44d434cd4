using System.Diagnostics;

namespace EncodeQuality.Tests.Support;

/// <summary>
/// A private RabbitMQ 3.10 broker for the farm tests (Debian's rabbitmq-server, installed by
/// scripts/setup): its own node name, data, logs, Erlang port mapper and free ports on 127.0.0.1,
/// configured with the repository's docker/rabbitmq.conf, stopped and deleted afterwards. As root,
/// rabbitmq-server drops to the rabbitmq user, so that user owns the folder. It can be stopped and
/// started again on the same data, as a broker restart is.
/// </summary>
public sealed class RabbitServer : IDisposable
{
    private readonly string _dir;
    private readonly Dictionary<string, string> _env;
    private readonly string _node;
    private Process? _server;

    public RabbitServer()
    {
        if (!File.Exists("/usr/sbin/rabbitmq-server")) throw new InvalidOperationException("RabbitMQ is not installed (scripts/setup installs it)");
        _dir = Path.Combine(Path.GetTempPath(), $"eq-mq-{Guid.NewGuid():N}"[..14]);
        foreach (var d in new[] { "mnesia", "log" }) Directory.CreateDirectory(Path.Combine(_dir, d));
        File.WriteAllText(Path.Combine(_dir, "enabled_plugins"), "[].");
        if (Environment.UserName == "root") Run("chown", "-R", "rabbitmq:rabbitmq", _dir);
        Port = PostgresServer.FreePort();
        _node = $"eq{Port}@localhost";
        _env = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = _node,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(),
            ["RABBITMQ_DIST_PORT"] = PostgresServer.FreePort().ToString(),
            ["ERL_EPMD_PORT"] = PostgresServer.FreePort().ToString(),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_dir, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_dir, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_dir, "enabled_plugins"),
            // The farm's own broker settings (consumer_timeout), as compose gives them to its broker.
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(Repo.Root, "docker", "rabbitmq"),
        };
        Start();
    }

    public int Port { get; }
    public string Url => $"amqp://guest:guest@127.0.0.1:{Port}/";

    public void Start()
    {
        var psi = new ProcessStartInfo("/usr/sbin/rabbitmq-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in _env) psi.Environment[k] = v;
        _server = Process.Start(psi)!;
        var said = new System.Text.StringBuilder();
        _server.OutputDataReceived += (_, e) => { lock (said) said.AppendLine(e.Data); };
        _server.ErrorDataReceived += (_, e) => { lock (said) said.AppendLine(e.Data); };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        // await_startup needs the node registered with its port mapper, which takes a moment: until
        // then it fails at once, so ask again.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Ctl("await_startup", "--timeout", "60");
                return;
            }
            catch (InvalidOperationException) when (clock.Elapsed < TimeSpan.FromSeconds(90) && !_server.HasExited)
            {
                Thread.Sleep(500);
            }
            catch (InvalidOperationException e)
            {
                lock (said) throw new InvalidOperationException($"{e.Message}; rabbitmq-server said: {said}", e);
            }
        }
    }

    /// <summary>Stops the node the way a restart does; persistent messages in quorum queues survive.</summary>
    public void Stop()
    {
        Ctl("stop");
        _server?.WaitForExit(30_000);
        _server = null;
    }

    /// <summary>Messages ready and unacknowledged in a queue.</summary>
    public (int Ready, int Unacked) Queue(string name)
    {
        foreach (var line in Ctl("list_queues", "-q", "--no-table-headers", "name", "messages_ready", "messages_unacknowledged").Split('\n'))
        {
            var f = line.Split('\t', StringSplitOptions.TrimEntries);
            if (f.Length == 3 && f[0] == name) return (int.Parse(f[1]), int.Parse(f[2]));
        }
        return (0, 0);
    }

    public string Ctl(params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/sbin/rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in _env) psi.Environment[k] = v;
        foreach (var a in (string[])["-n", _node, .. args]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000)) p.Kill(true);
        if (p.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', args)} failed: {output} {err.Result}");
        return output;
    }

    private static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
    }

    public void Dispose()
    {
        try { Stop(); }
        catch (InvalidOperationException) { _server?.Kill(true); }
        // The node's own Erlang port mapper outlives it.
        try
        {
            var psi = new ProcessStartInfo("epmd", $"-port {_env["ERL_EPMD_PORT"]} -kill") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            p.WaitForExit(10_000);
        }
        catch (System.ComponentModel.Win32Exception) { }
        try { Directory.Delete(_dir, true); }
        catch (IOException) { }
    }
}
