using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace EncodeQuality.Farm.Broker;

/// <summary>
/// The farm's names on the broker, declared by every worker and submitter (declaring is
/// idempotent): the durable quorum queue of jobs (eq.jobs) with its delivery limit and its
/// dead-letter exchange and queue (eq.jobs.dead), and the topic exchange of job events (eq.events).
/// </summary>
public sealed record BrokerTopology(string Queue = BrokerTopology.DefaultQueue, int DeliveryLimit = BrokerTopology.DefaultDeliveryLimit)
{
    public const string DefaultQueue = "eq.jobs";
    public const int DefaultDeliveryLimit = 3;
    public const string EventsExchange = "eq.events";

    /// <summary>Both the exchange the queue dead-letters to and the queue that keeps the dead letters.</summary>
    public string DeadLetters => Queue + ".dead";

    public async Task DeclareAsync(IChannel channel, CancellationToken ct)
    {
        try
        {
            await channel.ExchangeDeclareAsync(DeadLetters, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
            await channel.QueueDeclareAsync(DeadLetters, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
            await channel.QueueBindAsync(DeadLetters, DeadLetters, "", cancellationToken: ct);
            // x-delivery-limit: a quorum queue counts every return of a message (a nack with requeue,
            // a consumer's channel or connection closing) and dead-letters it past the limit, so a
            // job that kills its worker cannot loop forever. RabbitMQ docs, "Quorum Queues: Poison Message Handling".
            await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?>
                {
                    ["x-queue-type"] = "quorum",
                    ["x-delivery-limit"] = DeliveryLimit,
                    ["x-dead-letter-exchange"] = DeadLetters,
                }, cancellationToken: ct);
            await channel.ExchangeDeclareAsync(EventsExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 406)
        {
            throw new InputException($"queue {Queue}: it exists on the broker with other settings than this eq declares " +
                $"(quorum, delivery limit {DeliveryLimit}, dead letters to {DeadLetters}): {e.ShutdownReason.ReplyText}");
        }
    }
}
