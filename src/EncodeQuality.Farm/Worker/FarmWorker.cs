using System.Threading.Channels;
using EncodeQuality.Farm.Broker;
using EncodeQuality.Farm.Telemetry;
using EncodeQuality.Metrics;
using EncodeQuality.Results.Store;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Serilog;

namespace EncodeQuality.Farm.Worker;

/// <summary>
/// eq worker: consumes the jobs queue with a prefetch of <see cref="WorkerOptions.Concurrency"/>
/// and runs that many jobs at once (one by default: a farm machine runs one encode). Deliveries
/// pass from the consumer callback to the job loops through a bounded channel, so the client's
/// dispatch thread is never held by an encode.
/// <para>
/// Stopping (<c>stop</c> cancelled, from SIGTERM or SIGINT): the consumer is cancelled so no new
/// job arrives, running jobs get <see cref="WorkerOptions.DrainTimeout"/> to finish, then are
/// abandoned and returned to the queue; <c>now</c> cancelled (a second signal) abandons at once.
/// </para>
/// <para>
/// With <see cref="WorkerOptions.MetricsListen"/> the worker serves /metrics, /healthz and /readyz
/// (<see cref="MetricsListener"/>) from before it connects until it has stopped; readiness fails
/// the moment a stop begins, so an orchestrator sends no more work while the running job drains.
/// </para>
/// </summary>
public sealed class FarmWorker(WorkerOptions options, Func<MetricCatalog> newCatalog, ILogger log)
{
    public async Task RunAsync(CancellationToken stop, CancellationToken now)
    {
        if (options.Concurrency is < 1 or > 64) throw new InputException("--concurrency must be from 1 to 64");
        if (options.DeliveryLimit < 1) throw new InputException("--delivery-limit must be at least 1");
        var store = new ResultStore(StoreLocation.Parse(options.Store));
        var factory = BrokerConnection.Factory(options.Amqp, $"eq worker {options.Name}");
        var topology = new BrokerTopology(options.Queue, options.DeliveryLimit);
        try { Directory.CreateDirectory(options.OutRoot); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--out-root {options.OutRoot}: cannot create the folder ({e.Message})");
        }

        var readiness = new Readiness();
        await using var listener = options.MetricsListen is { } listen ? await MetricsListener.StartAsync(listen, readiness, stop) : null;
        if (listener is not null) log.Information("Metrics at http://{Listen}/metrics; health at /healthz and /readyz", options.MetricsListen);
        // After the listener: what the instruments record before an exporter listens is not kept (their zeros).
        using var metrics = new WorkerMetrics();
        using var draining = stop.Register(readiness.Drain);
        using var watchEnd = new CancellationTokenSource();
        var watch = listener is null ? Task.CompletedTask : WatchStore(store, readiness, options.StoreCheckInterval, watchEnd.Token);
        try
        {
            await Consume(store, factory, topology, metrics, readiness, stop, now);
        }
        finally
        {
            watchEnd.Cancel();
            await watch;
        }
    }

    private async Task Consume(ResultStore store, ConnectionFactory factory, BrokerTopology topology, WorkerMetrics metrics, Readiness readiness,
        CancellationToken stop, CancellationToken now)
    {

        IConnection connection;
        try { connection = await BrokerConnection.OpenPatientlyAsync(factory, log, stop); }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            log.Information("Stopped before the broker answered; no job was taken");
            return;
        }
        await using var _ = connection;
        readiness.Connected(() => connection.IsOpen);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stop);
        await topology.DeclareAsync(channel, stop);
        await channel.BasicQosAsync(0, (ushort)options.Concurrency, false, stop);
        await using var events = await JobEvents.OpenAsync(connection, options.Name, log, stop);

        // Deliveries of the channel as it is now; a closed channel voids them all (the broker requeues them).
        var life = new CancellationTokenSource();
        channel.ChannelShutdownAsync += (_, e) =>
        {
            log.Warning("Broker channel closed ({Reason}); running jobs stop and return to the queue", e.ReplyText);
            Interlocked.Exchange(ref life, new CancellationTokenSource()).Cancel();
            return Task.CompletedTask;
        };
        connection.RecoverySucceededAsync += (_, _) =>
        {
            log.Information("Reconnected to the broker");
            return Task.CompletedTask;
        };

        var context = new WorkerContext(options, store, topology, events, new Deliveries(channel, connection, topology, options.Name), newCatalog, metrics, log);
        var inbox = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(options.Concurrency) { SingleWriter = true });
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, ea) =>
        {
            // The body's memory belongs to the client only until this returns: copy it. Nothing here
            // may throw: a delivery this handler drops would be held, unacknowledged, with no timer.
            int attempt = Delivery.AttemptOf(ea.BasicProperties, ea.Redelivered, options.DeliveryLimit, out string? ignored);
            if (ignored is not null) log.Warning("Delivery {Tag}: {Header}", ea.DeliveryTag, ignored);
            var d = new Delivery(ea.DeliveryTag, ea.Body.ToArray(), attempt, Volatile.Read(ref life).Token);
            if (!inbox.Writer.TryWrite(d)) await inbox.Writer.WriteAsync(d, CancellationToken.None);
        };
        string tag = await channel.BasicConsumeAsync(options.Queue, autoAck: false, consumer, stop);
        log.Information("Worker {Worker} consuming {Queue} (concurrency {Concurrency}, delivery limit {Limit}); results to {Store}, files under {OutRoot}",
            options.Name, options.Queue, options.Concurrency, options.DeliveryLimit, store.Location.Description, Path.GetFullPath(options.OutRoot));

        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(now);
        var loops = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(() => Loop(inbox.Reader, context, stop, abandon.Token))).ToArray();
        try { await Task.Delay(Timeout.Infinite, stop); }
        catch (OperationCanceledException) { }

        log.Information("Stopping: no new jobs; running jobs have {Seconds} s to finish", options.DrainTimeout.TotalSeconds);
        try { await channel.BasicCancelAsync(tag); }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or OperationCanceledException) { }
        abandon.CancelAfter(options.DrainTimeout);
        await Task.WhenAll(loops);
        // Jobs delivered while the consumer was being cancelled never started: back to the queue.
        inbox.Writer.TryComplete();
        while (inbox.Reader.TryRead(out var left)) await context.Deliveries.RequeueAsync(left);
        log.Information("Worker {Worker} stopped", options.Name);
    }

    /// <summary>Asks the store whether it answers, every <paramref name="interval"/>, for readiness; off the probe's path, so a slow store never slows a probe.</summary>
    private static async Task WatchStore(ResultStore store, Readiness readiness, TimeSpan interval, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            readiness.Store(await Task.Run(() => StoreProblem(store)));
            try { await Task.Delay(interval, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    private static string? StoreProblem(ResultStore store)
    {
        try
        {
            store.Ping();
            return null;
        }
        catch (StoreException e)
        {
            return e.Message;
        }
    }

    private static async Task Loop(ChannelReader<Delivery> inbox, WorkerContext context, CancellationToken stop, CancellationToken abandon)
    {
        while (!stop.IsCancellationRequested)
        {
            Delivery d;
            try { d = await inbox.ReadAsync(stop); }
            catch (OperationCanceledException) { return; }
            catch (ChannelClosedException) { return; }
            try { await new JobAttempt(context, d).RunAsync(abandon); }
            catch (Exception e)
            {
                // A fault outside the job (the broker gone mid-settlement, storage failing after the
                // commit): a delivery is never left unsettled, so the job goes back to the queue.
                context.Log.Error("Job attempt ended by {Error}; the job returns to the queue", e.Message.ReplaceLineEndings(" "));
                try { await context.Deliveries.RequeueAsync(d); }
                catch (Exception again) { context.Log.Warning("Could not return the job: {Error}", again.Message); }
            }
        }
    }
}
