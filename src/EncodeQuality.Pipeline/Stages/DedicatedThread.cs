using System.Collections.Concurrent;

namespace EncodeQuality.Pipeline.Stages;

/// <summary>
/// Runs an async loop on a thread of its own from start to end. A loop started with
/// TaskCreationOptions.LongRunning leaves its thread at the first await and continues on the
/// thread pool; here every continuation is posted back to the loop's own thread, so the blocking
/// x264/x265 and metric calls in the loop always run there and never starve the pool.
/// </summary>
internal static class DedicatedThread
{
    public static Task Run(string name, Func<Task> loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var context = new LoopContext();
            SynchronizationContext.SetSynchronizationContext(context);
            Task body;
            try { body = loop(); }
            catch (Exception e) { body = Task.FromException(e); }
            body.ContinueWith(_ => context.Complete(), TaskScheduler.Default);
            context.Pump();
            if (body.IsFaulted) done.SetException(body.Exception!.InnerExceptions);
            else if (body.IsCanceled) done.SetCanceled();
            else done.SetResult();
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }

    /// <summary>Continuations queued for the one thread that pumps them.</summary>
    private sealed class LoopContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("a loop thread is only posted to");

        public void Complete() => _queue.CompleteAdding();

        public void Pump()
        {
            foreach (var (callback, state) in _queue.GetConsumingEnumerable()) callback(state);
        }
    }
}
