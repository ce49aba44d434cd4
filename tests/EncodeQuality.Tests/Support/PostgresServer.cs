using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EncodeQuality.Tests.Support;

/// <summary>
/// A private PostgreSQL cluster for the store tests (Debian's postgresql, installed by
/// scripts/setup): initdb into a temporary folder with password authentication, pg_ctl on
/// 127.0.0.1 and a free port, stopped and deleted afterwards. Run as the postgres user when root,
/// because the server refuses to run as root.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string User = "eq";
    public const string Password = "eq-test-secret";
    private readonly string _dir;
    private readonly string _bin;

    public PostgresServer()
    {
        _bin = Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.Parse(Path.GetFileName(d))).Select(d => Path.Combine(d, "bin"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb"))) ?? throw new InvalidOperationException("PostgreSQL is not installed (scripts/setup installs it)");
        _dir = Path.Combine(Path.GetTempPath(), $"eq-pg-{Guid.NewGuid():N}"[..14]);
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "pw"), Password);
        if (Environment.UserName == "root") Run("chown", "-R", "postgres:postgres", _dir);
        Port = FreePort();
        Pg("initdb", "-D", Data, "-U", User, "--auth=scram-sha-256", $"--pwfile={Path.Combine(_dir, "pw")}", "-E", "UTF8", "--no-sync");
        Start();
    }

    /// <summary>Starts the server (again, after <see cref="Stop"/>) on the same port and data.</summary>
    public void Start() => Pg("pg_ctl", "-D", Data, "-l", Path.Combine(_dir, "log"), "-w", "-t", "60", "-o",
        $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start");

    /// <summary>Stops the server at once, as an outage would: open connections are cut.</summary>
    public void Stop() => Pg("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");

    public int Port { get; }
    private string Data => Path.Combine(_dir, "data");

    public string Url(string? password = Password, string database = "postgres") =>
        $"postgres://{User}:{password}@127.0.0.1:{Port}/{database}";

    /// <summary>A new empty database, so each test starts from nothing.</summary>
    public string NewDatabase()
    {
        string name = $"t{Guid.NewGuid():N}"[..12];
        var psi = new ProcessStartInfo(Path.Combine(_bin, "psql")) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", Port.ToString(), "-U", User, "-d", "postgres", "-c", $"CREATE DATABASE {name}" }) psi.ArgumentList.Add(a);
        psi.Environment["PGPASSWORD"] = Password;
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"createdb failed: {p.StandardError.ReadToEnd()}");
        return Url(database: name);
    }

    private void Pg(string tool, params string[] args)
    {
        string exe = Path.Combine(_bin, tool);
        if (Environment.UserName == "root") Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        else Run(exe, args);
    }

    private static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed: {output} {err.Result}");
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        try { Pg("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop"); }
        catch (InvalidOperationException) { }
        try { Directory.Delete(_dir, true); }
        catch (IOException) { }
    }
}
