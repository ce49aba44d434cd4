using System.Text;
using EncodeQuality.Farm.Broker;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace EncodeQuality.Farm.Jobs;

/// <summary>
/// eq submit: publishes jobs to the jobs queue (through the default exchange), persistent, with
/// publisher confirms and the mandatory flag, so a job is submitted only when the broker has it
/// in the queue. Every job is checked against the schema before the first is published: a bad
/// line submits nothing.
/// </summary>
public static class JobSubmitter
{
    /// <summary>Reads JSON Lines (blank lines and lines starting with # are skipped); a refusal names its line.</summary>
    public static IReadOnlyList<JobMessage> ReadLines(TextReader reader, string origin)
    {
        var jobs = new List<JobMessage>();
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Trim() is "" || line.TrimStart().StartsWith('#')) continue;
            try { jobs.Add(JobMessage.Parse(line)); }
            catch (InputException e) { throw new InputException($"{origin} line {number}: {e.Message}"); }
        }
        if (jobs.Count == 0) throw new InputException($"{origin}: no jobs in it");
        var repeated = jobs.GroupBy(j => j.JobId).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new InputException($"{origin}: job id {repeated.Key} appears {repeated.Count()} times");
        return jobs;
    }

    public static async Task SubmitAsync(string amqp, BrokerTopology topology, IReadOnlyList<JobMessage> jobs, Action<JobMessage> submitted,
        CancellationToken ct)
    {
        var factory = BrokerConnection.Factory(amqp, "eq submit");
        await using var connection = await BrokerConnection.OpenAsync(factory, ct);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), ct);
        await topology.DeclareAsync(channel, ct);
        foreach (var job in jobs)
        {
            var props = new BasicProperties { ContentType = "application/json", Persistent = true, MessageId = job.JobId, Type = "eq.job.v1" };
            try
            {
                await channel.BasicPublishAsync("", topology.Queue, mandatory: true, props, Encoding.UTF8.GetBytes(job.ToJson()), ct);
            }
            catch (PublishException e)
            {
                throw new BrokerException($"job {job.JobId}: the broker did not take it ({(e.IsReturn ? "unroutable" : "refused")}); " +
                    "jobs before it were submitted", e);
            }
            submitted(job);
        }
    }
}
