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

    /// <summary>The attempt this delivery is: 1, then 1 + the quorum queue's x-delivery-count on a redelivery.</summary>
    public static int AttemptOf(IReadOnlyBasicProperties props) =>
        props.Headers is { } h && h.TryGetValue("x-delivery-count", out var v) && v is not null ? 1 + Convert.ToInt32(v) : 1;
}

/// <summary>
/// How a delivery ends, on the channel it came from: acknowledged (done), returned to the queue
/// (to be tried again), or dead-lettered by this worker with a reason: republished, with publisher
/// confirms, to the dead-letter exchange with an x-eq-reason header, and only then acknowledged.
/// Every call is a no-op once the delivery is lost.
/// </summary>
internal sealed class Deliveries(IChannel consume, IChannel confirmed, BrokerTopology topology, string worker)
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
            MessageId = jobId,
            Headers = new Dictionary<string, object?>
            {
                ["x-eq-reason"] = reason,
                ["x-eq-attempts"] = d.Attempt,
                ["x-eq-worker"] = worker,
            },
        };
        await confirmed.BasicPublishAsync(topology.DeadLetters, "", mandatory: false, props, d.Body);
        await AckAsync(d);
    }

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
