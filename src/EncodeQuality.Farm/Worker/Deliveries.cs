using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using EncodeQuality.Farm.Broker;

namespace EncodeQuality.Farm.Worker;

/// <summary>
/// A job as the broker handed it to this worker. <see cref="Lost"/> ends when the channel it came
/// on closes (broker restart, network loss): its tag is then void and the broker has returned the
/// job to the queue, so the work on it must stop.
/// </summary>
internal sealed record Delivery(ulong Tag, byte[] Body, int Attempt, CancellationToken Lost)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>
    /// The attempt this delivery is: 1 for a first delivery, and 1 + the quorum queue's
    /// x-delivery-count on a redelivery. The header is anyone's to set, so a first delivery ignores
    /// it, and a count that is missing, not a whole number or beyond what the queue allows (0 to
    /// <paramref name="limit"/>) counts as attempt 1; <paramref name="ignored"/> then says why, for the log.
    /// </summary>
    public static int AttemptOf(IReadOnlyBasicProperties props, bool redelivered, int limit, out string? ignored)
    {
        ignored = null;
        object? value = props.Headers is { } h && h.TryGetValue("x-delivery-count", out var v) ? v : null;
        if (value is null) return 1;
        long? count = value switch
        {
            long l => l,
            int i => i,
            short s => s,
            byte b => b,
            sbyte b => b,
            _ => null,
        };
        string shown = value is byte[] bytes ? $"\"{Encoding.UTF8.GetString(bytes)}\"" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?";
        if (count is not { } c || c < 0 || c > limit)
        {
            ignored = $"x-delivery-count {shown} is not a count the queue gives (0 to {limit}): taken as attempt 1";
            return 1;
        }
        if (!redelivered)
        {
            if (c != 0) ignored = $"x-delivery-count {shown} on a first delivery (set by its publisher): taken as attempt 1";
            return 1;
        }
        return 1 + (int)c;
    }
}

/// <summary>
/// How a delivery ends, on the channel it came from: acknowledged (done), returned to the queue
/// (to be tried again), or dead-lettered by this worker with a reason: republished, with publisher
/// confirms, to the dead-letter exchange with an x-eq-reason header, and only then acknowledged.
/// Every call is a no-op once the delivery is lost.
/// </summary>
internal sealed class Deliveries(IChannel consume, IConnection connection, BrokerTopology topology, string worker)
{
    // One settlement at a time on the consuming channel: acks and nacks come from several job loops.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task AckAsync(Delivery d) => Settle(d, ch => ch.BasicAckAsync(d.Tag, false));

    public Task RequeueAsync(Delivery d) => Settle(d, ch => ch.BasicNackAsync(d.Tag, false, requeue: true));

    public async Task DeadLetterAsync(Delivery d, string? jobId, string reason)
    {
        if (d.Lost.IsCancellationRequested) return;
        var props = new BasicProperties
        {
            ContentType = "application/json",
            Persistent = true,
            MessageId = jobId is null ? null : Capped(jobId, 200),
            Headers = new Dictionary<string, object?>
            {
                ["x-eq-reason"] = Capped(reason, MaxReason),
                ["x-eq-attempts"] = d.Attempt,
                ["x-eq-worker"] = worker,
            },
        };
        // Each dead letter on a channel of its own: a channel error (the exchange deleted by an
        // operator, a policy refusing the message) closes that channel only, so it costs this job
        // one more attempt and leaves every other job's dead letters and acknowledgements alone.
        // Dead letters are rare, and a channel is one round trip.
        await using (var confirmed = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
            await confirmed.BasicPublishAsync(topology.DeadLetters, "", mandatory: false, props, d.Body);
        await AckAsync(d);
    }

    /// <summary>
    /// Characters of the reason a dead letter's header carries. A header must fit the broker's
    /// frame (128 KiB by default) with the rest of the message's properties, and a reason can quote
    /// a path of any length; the whole reason is in the job's log, event and row.
    /// </summary>
    public const int MaxReason = 2000;

    private static string Capped(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    private async Task Settle(Delivery d, Func<IChannel, ValueTask> action)
    {
        await _gate.WaitAsync();
        try
        {
            if (!d.Lost.IsCancellationRequested) await action(consume);
        }
        catch (AlreadyClosedException)
        {
            // The channel closed between the check and the call: the broker returns the job itself.
        }
        finally
        {
            _gate.Release();
        }
    }
}
