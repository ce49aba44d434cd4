using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EncodeQuality.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol (a WebSocket and JSON; no
/// browser-automation package is on our NuGet source). Opens a page, records console errors,
/// uncaught exceptions and every request, evaluates script, takes screenshots.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ClientWebSocket _socket = new();
    private readonly string _profile;
    private int _nextId;
    private string? _session;
    private readonly Dictionary<int, TaskCompletionSource<JsonNode>> _pending = [];
    private readonly List<JsonNode> _events = [];
    private readonly Task _reader;

    public List<string> ConsoleErrors { get; } = [];
    public List<string> Requests { get; } = [];

    private HeadlessChromium(Process process, string profile, Uri endpoint)
    {
        _process = process;
        _profile = profile;
        _socket.ConnectAsync(endpoint, CancellationToken.None).GetAwaiter().GetResult();
        _reader = Task.Run(ReadLoop);
    }

    public static async Task<HeadlessChromium> Start()
    {
        string profile = Directory.CreateTempSubdirectory("eq-chromium-").FullName;
        var psi = new ProcessStartInfo("chromium") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0", $"--user-data-dir={profile}",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "about:blank" })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        // Chromium says where its DevTools endpoint listens on stderr.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            string? line = await process.StandardError.ReadLineAsync();
            if (line is null) break;
            int at = line.IndexOf("ws://", StringComparison.Ordinal);
            if (at >= 0)
            {
                _ = process.StandardError.ReadToEndAsync();
                return new HeadlessChromium(process, profile, new Uri(line[at..].Trim()));
            }
        }
        process.Kill(true);
        throw new InvalidOperationException("chromium did not report a DevTools endpoint");
    }

    private async Task ReadLoop()
    {
        var buffer = new byte[1 << 20];
        var message = new MemoryStream();
        while (_socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult r;
            try { r = await _socket.ReceiveAsync(buffer, CancellationToken.None); }
            catch (WebSocketException) { break; }
            if (r.MessageType == WebSocketMessageType.Close) break;
            message.Write(buffer, 0, r.Count);
            if (!r.EndOfMessage) continue;
            var node = JsonNode.Parse(message.ToArray())!;
            message.SetLength(0);
            if (node["id"] is { } id)
            {
                TaskCompletionSource<JsonNode>? waiter;
                lock (_pending) _pending.Remove((int)id, out waiter);
                if (node["error"] is { } error) waiter?.TrySetException(new InvalidOperationException(error.ToJsonString()));
                else waiter?.TrySetResult(node["result"]!);
            }
            else lock (_events) { Record(node); _events.Add(node); }
        }
    }

    private void Record(JsonNode e)
    {
        switch ((string?)e["method"])
        {
            case "Runtime.consoleAPICalled" when (string?)e["params"]!["type"] is "error" or "assert":
                ConsoleErrors.Add(e["params"]!["args"]!.ToJsonString());
                break;
            case "Runtime.exceptionThrown":
                ConsoleErrors.Add(e["params"]!["exceptionDetails"]!.ToJsonString());
                break;
            case "Log.entryAdded" when (string?)e["params"]!["entry"]!["level"] == "error":
                ConsoleErrors.Add((string?)e["params"]!["entry"]!["text"] ?? "");
                break;
            case "Network.requestWillBeSent":
                Requests.Add((string?)e["params"]!["request"]!["url"] ?? "");
                break;
        }
    }

    public async Task<JsonNode> Send(string method, object? parameters = null, bool toPage = true)
    {
        int id = Interlocked.Increment(ref _nextId);
        var waiter = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending) _pending[id] = waiter;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = JsonSerializer.SerializeToNode(parameters ?? new { }) };
        if (toPage && _session is not null) message["sessionId"] = _session;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return await waiter.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Opens a page and waits for its load event, with console, log and network recording on.</summary>
    public async Task Open(string url, int width = 1280, int height = 900)
    {
        var target = await Send("Target.createTarget", new { url = "about:blank" }, toPage: false);
        var attached = await Send("Target.attachToTarget", new { targetId = (string)target["targetId"]!, flatten = true }, toPage: false);
        _session = (string)attached["sessionId"]!;
        foreach (var domain in new[] { "Runtime.enable", "Log.enable", "Network.enable", "Page.enable" }) await Send(domain);
        await Send("Emulation.setDeviceMetricsOverride", new { width, height, deviceScaleFactor = 1, mobile = false });
        lock (_events) _events.Clear();
        await Send("Page.navigate", new { url });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            lock (_events)
                if (_events.Any(e => (string?)e["method"] == "Page.loadEventFired")) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{url} did not load");
    }

    /// <summary>The value of a script expression, as JSON.</summary>
    public async Task<JsonNode?> Evaluate(string expression)
    {
        var r = await Send("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (r["exceptionDetails"] is { } error) throw new InvalidOperationException(error.ToJsonString());
        return r["result"]!["value"];
    }

    /// <summary>A PNG of the whole page.</summary>
    public async Task Screenshot(string path)
    {
        var r = await Send("Page.captureScreenshot", new { format = "png", captureBeyondViewport = true,
            clip = new { x = 0, y = 0, width = 1280, height = (double)(await Evaluate("document.documentElement.scrollHeight"))!, scale = 1 } });
        await File.WriteAllBytesAsync(path, Convert.FromBase64String((string)r["data"]!));
    }

    public async ValueTask DisposeAsync()
    {
        try { await Send("Browser.close", toPage: false).WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception) { }
        if (!_process.WaitForExit(5000)) _process.Kill(true);
        _socket.Dispose();
        try { Directory.Delete(_profile, true); } catch (IOException) { }
    }
}
