using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using RabbitMQ.Client;
using Serilog;

namespace EncodeQuality.Farm.Broker;

/// <summary>
/// What a worker tells orchestrators, on the topic exchange eq.events with routing key job.KIND:
/// started, progress, finished, gate-failed, failed, dead-lettered, duplicate. Each body is a JSON object with
/// event, jobId, worker, host, time and the event's own fields. Events leave in the order they are
/// raised, from one pump on a channel with publisher confirms. They are notifications: a broker
/// that is away loses them (logged), it never fails a job. A job's final event is confirmed before
/// its delivery is acknowledged, so it arrives at least once (twice if the acknowledgement is lost
/// and the job runs again: orchestrators key on jobId).
/// </summary>
public sealed class JobEvents : IAsyncDisposable
{
    public const string Started = "started", Progress = "progress", Finished = "finished", GateFailed = "gate-failed",
        Failed = "failed", DeadLettered = "dead-lettered", Duplicate = "duplicate";

    private readonly IChannel _channel;
    private readonly string _worker;
    private readonly ILogger _log;
    // Progress may be dropped when the broker is slow; the other events wait for room.
    private readonly Channel<(string Kind, byte[] Body, TaskCompletionSource? Sent)> _queue =
        Channel.CreateBounded<(string, byte[], TaskCompletionSource?)>(new BoundedChannelOptions(1024) { SingleReader = true });
    private readonly Task _pump;

    private JobEvents(IChannel channel, string worker, ILogger log)
    {
        _channel = channel;
        _worker = worker;
        _log = log;
        _pump = Task.Run(Pump);
    }

    public static async Task<JobEvents> OpenAsync(IConnection connection, string worker, ILogger log, CancellationToken ct)
    {
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true), ct);
        return new JobEvents(channel, worker, log);
    }

    /// <summary>Queues an event; the task completes when the broker confirmed it, or it was given up.</summary>
    public async Task Raise(string kind, string jobId, JsonObject fields)
    {
        var body = Body(kind, jobId, fields);
        if (kind == Progress)
        {
            _queue.Writer.TryWrite((kind, body, null));
            return;
        }
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync((kind, body, sent));
        await sent.Task;
    }

    /// <summary>The event's own fields with the common ones added (the order of keys carries no meaning).</summary>
    private byte[] Body(string kind, string jobId, JsonObject fields)
    {
        fields["event"] = kind;
        fields["jobId"] = jobId;
        fields["worker"] = _worker;
        fields["host"] = Environment.MachineName;
        fields["time"] = DateTimeOffset.UtcNow.ToString("O");
        return JsonSerializer.SerializeToUtf8Bytes(fields);
    }

    private async Task Pump()
    {
        await foreach (var (kind, body, sent) in _queue.Reader.ReadAllAsync())
        {
            try
            {
                var props = new BasicProperties { ContentType = "application/json", Persistent = kind != Progress, Type = kind };
                await _channel.BasicPublishAsync(BrokerTopology.EventsExchange, "job." + kind, mandatory: false, props, body);
            }
            catch (Exception e)
            {
                _log.Warning("Event {Event} not sent: {Error}", kind, e.Message.ReplaceLineEndings(" "));
            }
            finally
            {
                sent?.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump;
        try { await _channel.CloseAsync(); }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or OperationCanceledException) { }
        _channel.Dispose();
    }
}
