using Microsoft.Extensions.Options;
using OpenSips.Mi;
using OpenSips.Mi.Commands;

namespace WorkerStats;

public sealed class PollOptions
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    public IList<string> Statistics { get; } = [];

    /// <summary>Stop the application after this many polls; 0 polls forever.</summary>
    public int Iterations { get; set; }
}

public sealed partial class StatisticsPoller(MiClient mi, IOptions<PollOptions> options, IHostApplicationLifetime lifetime, ILogger<StatisticsPoller> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = options.Value;
        var names = poll.Statistics.Count > 0 ? poll.Statistics.ToArray() : ["all"];
        using var timer = new PeriodicTimer(poll.Interval);
        for (var i = 1; !stoppingToken.IsCancellationRequested; i++)
        {
            try
            {
                var values = await mi.GetStatisticsAsync(names, stoppingToken);
                foreach (var (name, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
                {
                    Statistic(logger, mi.Endpoint, name, value);
                }
            }
            catch (MiException ex)
            {
                // Timeouts, transport and protocol errors: log and try again at the next tick.
                PollFailed(logger, mi.Endpoint, ex.Message);
            }

            if (i == poll.Iterations || !await timer.WaitForNextTickAsync(stoppingToken))
            {
                break;
            }
        }

        lifetime.StopApplication();
    }

    [LoggerMessage(1, LogLevel.Information, "{Endpoint} {Statistic} = {Value}")]
    private static partial void Statistic(ILogger logger, string endpoint, string statistic, long value);

    [LoggerMessage(2, LogLevel.Warning, "Polling {Endpoint} failed: {Error}")]
    private static partial void PollFailed(ILogger logger, string endpoint, string error);
}
