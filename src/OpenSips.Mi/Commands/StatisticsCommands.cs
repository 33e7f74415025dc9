using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>
/// Typed statistics commands: <c>get_statistics</c>, <c>list_statistics</c>, <c>reset_statistics</c>, <c>reset_all_statistics</c>.
/// Each takes ONE array parameter of names: <c>"group:"</c> (with the colon) for a whole group, <c>"all"</c>, or a bare
/// statistic name such as <c>"rcv_requests"</c>. A bare <c>"dialog"</c> is a statistic name, not the dialog group, and
/// <c>"tm:UAC_transactions"</c> matches nothing: results are keyed <c>group:name</c> but requests use bare names.
/// </summary>
/// <example>
/// <code>
/// var stats = await mi.GetStatisticsAsync("dialog:", "tm:");
/// long active = stats["dialog:active_dialogs"];
/// var tm = stats.Group("tm");            // keyed "UAC_transactions", …
/// </code>
/// </example>
public static class StatisticsCommands
{
    /// <summary>Runs <c>get_statistics</c>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="names">Groups (<c>"tm:"</c>), <c>"all"</c> or bare statistic names.</param>
    /// <returns>The values keyed <c>group:name</c>; unknown names are simply absent.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task<MiStatisticValues> GetStatisticsAsync(this MiClient client, params string[] names) =>
        GetStatisticsAsync(client, (IEnumerable<string>)names);

    /// <summary>Runs <c>get_statistics</c>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="names">Groups (<c>"tm:"</c>), <c>"all"</c> or bare statistic names.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The values keyed <c>group:name</c>; unknown names are simply absent.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<MiStatisticValues> GetStatisticsAsync(this MiClient client, IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        var result = await MiReply.RunAsync(client, "get_statistics", NamesParam(names, required: true), cancellationToken).ConfigureAwait(false);
        return MiStatisticValues.Read(result);
    }

    /// <summary>Runs <c>list_statistics</c>: the registered statistics and whether each one is incremental (resettable).</summary>
    /// <param name="client">The client.</param>
    /// <param name="names">Groups or names to list; none for all.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<MiList<StatisticInfo>> ListStatisticsAsync(this MiClient client, IEnumerable<string>? names = null, CancellationToken cancellationToken = default)
    {
        var result = await MiReply.RunAsync(client, "list_statistics", NamesParam(names, required: false), cancellationToken).ConfigureAwait(false);
        var items = result.ValueKind == JsonValueKind.Object
            ? result.EnumerateObject().Select(p => StatisticInfo.Create(p.Name, MiReply.AsText(p.Value))).ToArray()
            : [];
        return new MiList<StatisticInfo>(items, result);
    }

    /// <summary>Runs <c>reset_statistics</c>: resets the given incremental statistics to zero.</summary>
    /// <param name="client">The client.</param>
    /// <param name="names">Groups or bare statistic names.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task ResetStatisticsAsync(this MiClient client, params string[] names) =>
        ResetStatisticsAsync(client, (IEnumerable<string>)names);

    /// <summary>Runs <c>reset_statistics</c>: resets the given incremental statistics to zero.</summary>
    /// <param name="client">The client.</param>
    /// <param name="names">Groups or bare statistic names.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task ResetStatisticsAsync(this MiClient client, IEnumerable<string> names, CancellationToken cancellationToken = default) =>
        MiReply.RunOkAsync(client, "reset_statistics", NamesParam(names, required: true), cancellationToken);

    /// <summary>Runs <c>reset_all_statistics</c>: resets every incremental statistic.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task ResetAllStatisticsAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiReply.RunOkAsync(client, "reset_all_statistics", MiParams.None, cancellationToken);

    private static MiParams NamesParam(IEnumerable<string>? names, bool required)
    {
        var array = names?.ToArray() ?? [];
        if (array.Length == 0)
        {
            return required
                ? throw new ArgumentException("Give at least one statistic: a group such as \"tm:\" (with the colon), \"all\", or a bare name such as \"rcv_requests\".", nameof(names))
                : MiParams.None;
        }

        foreach (var name in array)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(names));
        }

        // One positional parameter that is itself the array: [["dialog:","tm:"]].
        return MiParams.Positional(array);
    }
}

/// <summary>One entry of the <c>list_statistics</c> reply.</summary>
/// <param name="Name">The full name, <c>group:name</c>.</param>
/// <param name="Group">The group part.</param>
/// <param name="ShortName">The name without the group.</param>
/// <param name="IsIncremental">True for <c>incremental</c> (resettable) statistics, false for <c>non-incremental</c> ones.</param>
/// <param name="TypeText">The type as sent.</param>
public sealed record StatisticInfo(string Name, string Group, string ShortName, bool IsIncremental, string? TypeText)
{
    internal static StatisticInfo Create(string name, string? type)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return new(name, colon < 0 ? string.Empty : name[..colon], colon < 0 ? name : name[(colon + 1)..],
            string.Equals(type, "incremental", StringComparison.OrdinalIgnoreCase), type);
    }
}
