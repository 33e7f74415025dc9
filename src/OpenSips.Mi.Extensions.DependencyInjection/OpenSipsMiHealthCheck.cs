using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpenSips.Mi;

/// <summary>
/// Runs one MI command (by default <c>uptime</c>) with a short timeout: <see cref="HealthStatus.Healthy"/> when it answers in
/// time, <see cref="HealthStatus.Degraded"/> when it answers slowly or with an MI error, and the registration's failure status
/// (<see cref="HealthStatus.Unhealthy"/> by default) when it does not answer at all. The description says why.
/// </summary>
public sealed class OpenSipsMiHealthCheck : IHealthCheck
{
    /// <summary>The default command: <c>uptime</c>, answered by every OpenSIPS with no module loaded.</summary>
    public const string DefaultCommand = "uptime";

    /// <summary>The default timeout of the command: 2 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    private readonly MiClient _client;
    private readonly string _command;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan? _degradedAfter;

    /// <summary>Creates the check.</summary>
    /// <param name="client">The client to probe.</param>
    /// <param name="command">The MI command to run, without parameters.</param>
    /// <param name="timeout">How long to wait for the answer; <see cref="DefaultTimeout"/> when <see langword="null"/>.</param>
    /// <param name="degradedAfter">An answer slower than this is <see cref="HealthStatus.Degraded"/>; never when <see langword="null"/>.</param>
    public OpenSipsMiHealthCheck(MiClient client, string command = DefaultCommand, TimeSpan? timeout = null, TimeSpan? degradedAfter = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var limit = timeout ?? DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(timeout));
        if (degradedAfter is { } slow)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(slow, TimeSpan.Zero, nameof(degradedAfter));
        }

        _client = client;
        _command = command;
        _timeout = limit;
        _degradedAfter = degradedAfter;
    }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        var data = new Dictionary<string, object>
        {
            ["endpoint"] = _client.Endpoint,
            ["transport"] = _client.TransportName,
            ["command"] = _command,
        };

        var started = Stopwatch.GetTimestamp();
        MiResponse response;
        try
        {
            response = await _client.CommandAsync(_command, null, _timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (MiTimeoutException ex)
        {
            return new HealthCheckResult(failure, $"OpenSIPS MI at {_client.Endpoint} did not answer '{_command}' within {Ms(_timeout)}.", ex, data);
        }
        catch (MiException ex)
        {
            return new HealthCheckResult(failure, $"OpenSIPS MI at {_client.Endpoint} failed on '{_command}': {ex.Message}", ex, data);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failure, $"OpenSIPS MI at {_client.Endpoint} did not answer '{_command}' within {Ms(_timeout)}.", null, data);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        data["elapsed_ms"] = elapsed.TotalMilliseconds;
        if (!response.IsSuccess)
        {
            var error = response.Error!;
            return HealthCheckResult.Degraded($"OpenSIPS MI at {_client.Endpoint} answered '{_command}' with error {error.Code.ToString(CultureInfo.InvariantCulture)} {error.Message}.", null, data);
        }

        if (_degradedAfter is { } slow && elapsed > slow)
        {
            return HealthCheckResult.Degraded($"OpenSIPS MI at {_client.Endpoint} answered '{_command}' in {Ms(elapsed)}, slower than {Ms(slow)}.", null, data);
        }

        return HealthCheckResult.Healthy($"OpenSIPS MI at {_client.Endpoint} answered '{_command}' in {Ms(elapsed)}.", data);
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture) + " ms";
}
