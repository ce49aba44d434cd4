using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Serilog;

namespace EncodeQuality.Farm.Broker;

/// <summary>
/// Connections to the broker from an amqp:// URL, with the client's automatic recovery: after a
/// broker restart or a network loss the connection, its channels, the declared topology and the
/// consumers come back by themselves. Heartbeats find a dead peer within seconds.
/// </summary>
public static class BrokerConnection
{
    public static ConnectionFactory Factory(string url, string clientName)
    {
        Uri uri;
        try
        {
            uri = new Uri(url);
            if (uri.Scheme is not ("amqp" or "amqps")) throw new UriFormatException("the scheme must be amqp:// or amqps://");
        }
        catch (UriFormatException e)
        {
            throw new InputException($"--amqp {url}: not an amqp:// URL ({e.Message})");
        }
        return new ConnectionFactory
        {
            Uri = uri,
            ClientProvidedName = clientName,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
            RequestedHeartbeat = TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>
    /// Connects once. A broker that does not answer is a one-line <see cref="BrokerException"/>
    /// (worth trying again); one that refuses our credentials is a <see cref="BrokerRefusedException"/>,
    /// an input error that no retry can fix.
    /// </summary>
    public static async Task<IConnection> OpenAsync(ConnectionFactory factory, CancellationToken ct)
    {
        try { return await factory.CreateConnectionAsync(ct); }
        catch (BrokerUnreachableException e) when (Refused(e))
        {
            throw new BrokerRefusedException($"broker {Describe(factory)} refused user '{factory.UserName}': {Innermost(e)}. Fix: the user and password in --amqp (or EQ_AMQP)");
        }
        catch (BrokerUnreachableException e)
        {
            throw new BrokerException($"broker {Describe(factory)}: cannot connect ({Innermost(e)})", e);
        }
    }

    private static bool Refused(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is AuthenticationFailureException or PossibleAuthenticationFailureException) return true;
        return false;
    }

    /// <summary>
    /// Connects, trying again every few seconds until the broker answers or <paramref name="ct"/>
    /// ends: a worker may start before its broker (a farm's machines boot in any order).
    /// </summary>
    public static async Task<IConnection> OpenPatientlyAsync(ConnectionFactory factory, ILogger log, CancellationToken ct)
    {
        var wait = TimeSpan.FromSeconds(1);
        while (true)
        {
            try { return await OpenAsync(factory, ct); }
            catch (BrokerException e)
            {
                log.Warning("{Error}; trying again in {Seconds} s", e.Message, wait.TotalSeconds);
                await Task.Delay(wait, ct);
                wait = TimeSpan.FromSeconds(Math.Min(30, wait.TotalSeconds * 2));
            }
        }
    }

    public static string Describe(ConnectionFactory f) => $"amqp://{f.HostName}:{f.Port}{(f.VirtualHost == "/" ? "" : "/" + f.VirtualHost)}";

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message.ReplaceLineEndings(" ");
    }
}

/// <summary>The broker cannot be reached: a processing error with one plain line.</summary>
public sealed class BrokerException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The broker refused our credentials: an input error (exit 1), never retried.</summary>
public sealed class BrokerRefusedException(string message) : InputException(message);
