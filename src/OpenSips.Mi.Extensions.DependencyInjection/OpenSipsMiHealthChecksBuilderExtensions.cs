using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenSips.Mi;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds <see cref="OpenSipsMiHealthCheck"/> to <c>services.AddHealthChecks()</c>.</summary>
/// <example>
/// <code>
/// builder.Services.AddOpenSipsMi(builder.Configuration.GetSection("OpenSipsMi"));
/// builder.Services.AddHealthChecks().AddOpenSipsMi(degradedAfter: TimeSpan.FromMilliseconds(500));
/// app.MapHealthChecks("/health");
/// </code>
/// </example>
public static class OpenSipsMiHealthChecksBuilderExtensions
{
    /// <summary>Checks a registered <see cref="MiClient"/> by running <paramref name="command"/>.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="clientName">The name the client was registered with (<c>AddOpenSipsMi("edge-1", …)</c>); <see langword="null"/> for the default client.</param>
    /// <param name="command">The MI command to run, without parameters.</param>
    /// <param name="timeout">How long to wait for the answer: 2 s when <see langword="null"/>.</param>
    /// <param name="degradedAfter">An answer slower than this is Degraded; never when <see langword="null"/>.</param>
    /// <param name="name">The health check's name: <c>opensips-mi</c> or <c>opensips-mi:clientName</c> when <see langword="null"/>.</param>
    /// <param name="failureStatus">The status when OpenSIPS does not answer; Unhealthy when <see langword="null"/>.</param>
    /// <param name="tags">Tags to filter health checks by.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddOpenSipsMi(
        this IHealthChecksBuilder builder,
        string? clientName = null,
        string command = OpenSipsMiHealthCheck.DefaultCommand,
        TimeSpan? timeout = null,
        TimeSpan? degradedAfter = null,
        string? name = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var key = clientName ?? Options.Options.DefaultName;
        var registrationName = name ?? (key.Length == 0 ? "opensips-mi" : "opensips-mi:" + key);
        return builder.Add(new HealthCheckRegistration(
            registrationName,
            provider => new OpenSipsMiHealthCheck(provider.GetRequiredKeyedService<MiClient>(key), command, timeout, degradedAfter),
            failureStatus,
            tags));
    }
}
