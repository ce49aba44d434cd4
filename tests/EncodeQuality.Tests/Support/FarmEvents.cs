using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace EncodeQuality.Tests.Support;

/// <summary>What an orchestrator hears: every event on eq.events, through a queue of its own bound to '#'.</summary>
public sealed class FarmEvents : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentQueue<JsonObject> _events = new();

    private FarmEvents(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<FarmEvents> Listen(string url)
    {
        var factory = new ConnectionFactory { Uri = new Uri(url), AutomaticRecoveryEnabled = true, NetworkRecoveryInterval = TimeSpan.FromSeconds(1) };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("eq.events", ExchangeType.Topic, durable: true, autoDelete: false);
        var q = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(q.QueueName, "eq.events", "#");
        var events = new FarmEvents(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, ea) =>
        {
            var e = JsonNode.Parse(ea.Body.Span)!.AsObject();
            e["routingKey"] = ea.RoutingKey;
            events._events.Enqueue(e);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(q.QueueName, autoAck: true, consumer);
        return events;
    }

    public IReadOnlyList<JsonObject> Of(string jobId, string? kind = null) =>
        [.. _events.Where(e => (string?)e["jobId"] == jobId && (kind is null || (string?)e["event"] == kind))];

    public JsonObject WaitFor(string jobId, string kind, TimeSpan timeout) =>
        WaitForAny(kind, timeout, e => (string?)e["jobId"] == jobId);

    public JsonObject WaitForAny(string kind, TimeSpan timeout, Func<JsonObject, bool> which)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var hit = _events.FirstOrDefault(e => (string?)e["event"] == kind && which(e));
            if (hit is not null) return hit;
            Thread.Sleep(50);
        }
        throw new TimeoutException($"no such {kind} event within {timeout}; events: " +
            string.Join(" ", _events.Select(e => $"{e["jobId"]}:{e["event"]}")));
    }

    public async ValueTask DisposeAsync()
    {
        try { await _channel.CloseAsync(); }
        catch (Exception) { }
        await _connection.DisposeAsync();
    }
}
