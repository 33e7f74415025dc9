using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenSips.Mi.Cli.Dashboard;

/// <summary>What the page learns once: the anti-forgery token for its POSTs and how the dashboard runs.</summary>
internal sealed record SessionDto(string Csrf, bool ReadOnly, double IntervalMs, double HistoryMinutes, IReadOnlyList<string> ChartedSeries, int Servers);

/// <summary>Poll cycle timing.</summary>
internal sealed record CycleDto(long Cycles, double LastMs, double AverageMs, double MaxMs, long SkippedPolls);

/// <summary>One server card. Times are unix milliseconds; <see cref="Now"/> lets the page tell how old each figure is.</summary>
internal sealed record ServerDto(
    int Id, string Target, string Transport, bool Reachable, bool Polled, string? Error, int Failures, string? Version, long? UptimeSeconds,
    double? Load, long? ShmUsed, long? ShmTotal, double? ShmPercent, long? Transactions, long? Dialogs, long? Contacts,
    long? UpdatedAt, long? AttemptedAt, double? PollMs, long Now)
{
    public static ServerDto From(ServerSnapshot s, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        var f = s.Figures;
        return new ServerDto(
            s.Id, s.Target, s.Transport, s.Reachable, s.Polled, s.Error, s.ConsecutiveFailures, s.Version, s.UptimeSeconds,
            f?.Load, f?.ShmUsed, f?.ShmTotal, f?.ShmPercent, f?.Transactions, f?.Dialogs, f?.Contacts,
            s.UpdatedAt?.ToUnixTimeMilliseconds(), s.AttemptedAt?.ToUnixTimeMilliseconds(), s.PollMilliseconds, now.ToUnixTimeMilliseconds());
    }
}

/// <summary>The fleet page: every server, unhealthy first.</summary>
internal sealed record FleetDto(long Now, CycleDto Cycle, IReadOnlyList<ServerDto> Servers);

/// <summary>The latest statistics of one server and the synthetic series, at <see cref="Time"/>.</summary>
internal sealed record SampleDto(int Id, long Time, long Version, IReadOnlyDictionary<string, long> Statistics, IReadOnlyDictionary<string, double> Synthetic);

/// <summary>Series as <c>[[time, value], …]</c>, oldest first.</summary>
internal sealed record HistoryDto(int Id, IReadOnlyDictionary<string, double[][]> Series);

internal sealed record ContactDto(string? Contact, string? Expires, string? Q, string? UserAgent, string? Received, string? Socket, string? CallId);

internal sealed record ContactsDto(string? Aor, IReadOnlyList<ContactDto> Contacts);

internal sealed record DialogDto(string? Id, int? State, string StateName, string? From, string? To, string? CallId, long? StartedAt);

internal sealed record DialogsDto(IReadOnlyList<DialogDto> Dialogs);

internal sealed record EventDto(long Seq, string Name, long ReceivedAt, JsonElement Params);

internal sealed record EventsDto(string Status, long Seq, IReadOnlyList<EventDto> Events);

/// <summary>An MI result or error, as the console shows it.</summary>
internal sealed record MiOutcomeDto(bool Ok, JsonElement? Result, int? Code, string? Message, string? Data);

/// <summary>A SIP helper's final reply.</summary>
internal sealed record SipReplyDto(int Status, string Reason);

internal sealed record ErrorDto(string Error);

internal sealed record NotifyRequest(string? Contact, string? Event);

internal sealed record EndDialogRequest(string? Id);

internal sealed record MiConsoleRequest(string? Method, JsonElement? Params);

/// <summary>Source-generated JSON for everything the dashboard reads and writes (no reflection, AOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(SessionDto))]
[JsonSerializable(typeof(FleetDto))]
[JsonSerializable(typeof(ServerDto))]
[JsonSerializable(typeof(SampleDto))]
[JsonSerializable(typeof(HistoryDto))]
[JsonSerializable(typeof(ContactsDto))]
[JsonSerializable(typeof(DialogsDto))]
[JsonSerializable(typeof(EventDto))]
[JsonSerializable(typeof(EventsDto))]
[JsonSerializable(typeof(MiOutcomeDto))]
[JsonSerializable(typeof(SipReplyDto))]
[JsonSerializable(typeof(ErrorDto))]
[JsonSerializable(typeof(NotifyRequest))]
[JsonSerializable(typeof(EndDialogRequest))]
[JsonSerializable(typeof(MiConsoleRequest))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
