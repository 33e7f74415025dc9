using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Dynamic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenSips.Mi;

/// <summary>
/// The dynamic method interface: every member call becomes an MI command, like the Ruby gem's
/// <c>opensips.uptime</c>. Get one with <see cref="MiDynamicExtensions.AsDynamic(MiClient)"/>; every call returns
/// <c>Task&lt;MiResponse&gt;</c>, exactly what <see cref="MiClient.CommandAsync(string, MiParams?, TimeSpan?, CancellationToken)"/> returns.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Command names: <c>mi.ul_show_contact(…)</c> as written; PascalCase is mapped to snake_case (<c>mi.UlShowContact(…)</c>).
/// A name of <see cref="Commands.MiCommandCatalog"/> is sent as the server's <see cref="MiClient.Dialect"/> names it, like
/// the typed commands do: <c>mi.domain_dump()</c> reaches <c>domain:dump</c> on OpenSIPS 4.0, which dropped the 3.x name.
/// Any name, including OpenSIPS 4 names such as <c>tm:uac_dlg</c>, can be called verbatim with <c>mi.Call("tm:uac_dlg", …)</c>.</item>
/// <item>Positional arguments become a JSON array: <c>mi.ul_show_contact("location", "alice")</c> → <c>["location","alice"]</c>.
/// A single .NET array or list is spread into the positional parameters, like the gem's <c>lb_status([1, 0])</c>;
/// wrap it in <see cref="MiValue.Array(ReadOnlySpan{MiValue})"/> to send it as one array parameter.</item>
/// <item>Named arguments become a JSON object: <c>mi.log_level(level: 3, pid: 1)</c>, or one anonymous object / dictionary:
/// <c>mi.log_level(new { level = 3, pid = 1 })</c>. camelCase argument names are mapped to snake_case (<c>tableName:</c> → <c>table_name</c>).</item>
/// <item>Commands whose one parameter is an array (<c>get_statistics</c>, <c>list_statistics</c>, <c>reset_statistics</c>,
/// <c>config_push_bulk</c>) take its values as one array or as separate arguments: <c>mi.get_statistics("dialog:", "tm:")</c> → <c>[["dialog:","tm:"]]</c>.</item>
/// <item><c>cancellationToken: ct</c> (or a trailing <see cref="CancellationToken"/>) cancels the call; <c>timeout: TimeSpan</c> sets this call's timeout.</item>
/// <item>Mixing positional and named arguments throws <see cref="ArgumentException"/>: OpenSIPS takes one or the other.</item>
/// </list>
/// </remarks>
/// <example>
/// <code>
/// dynamic mi = client.AsDynamic();
/// MiResponse uptime = await mi.uptime();
/// MiResponse stats = await mi.get_statistics("dialog:", "tm:");
/// MiResponse level = await mi.log_level(level: 3, pid: 1, cancellationToken: ct);
/// MiResponse uac = await mi.Call("tm:uac_dlg", new { method = "OPTIONS", ruri = "sip:a@b", headers = "From: &lt;sip:x@y&gt;\r\nTo: &lt;sip:a@b&gt;\r\n" });
/// </code>
/// </example>
[RequiresDynamicCode(DynamicMessage)]
[RequiresUnreferencedCode(DynamicMessage)]
public sealed class MiDynamicClient : DynamicObject
{
    /// <summary>The member name that calls a command by its exact name: <c>mi.Call("tm:uac_dlg", …)</c>.</summary>
    public const string CallMemberName = "Call";

    internal const string DynamicMessage = "The dynamic MI surface binds at run time (C# dynamic, reflection over anonymous objects); use MiClient.CommandAsync or the typed commands in trimmed or AOT applications.";

    private const string TokenName = "cancellationToken";
    private const string TimeoutName = "timeout";

    /// <summary>Wraps a client.</summary>
    /// <param name="client">The client every call goes through.</param>
    public MiDynamicClient(MiClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
    }

    /// <summary>The client every call goes through.</summary>
    public MiClient Client { get; }

    /// <summary>Turns a member call into an MI command.</summary>
    /// <param name="binder">The call site: member name and argument names.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="result">The <c>Task&lt;MiResponse&gt;</c> of the command.</param>
    /// <returns>Always true.</returns>
    /// <exception cref="ArgumentException">The arguments cannot be sent (mixed positional and named, unsupported type…).</exception>
    public override bool TryInvokeMember(InvokeMemberBinder binder, object?[]? args, out object? result)
    {
        ArgumentNullException.ThrowIfNull(binder);
        args ??= [];
        var names = binder.CallInfo.ArgumentNames;
        string command;
        var verbatim = binder.Name == CallMemberName;
        if (verbatim)
        {
            if (args.Length - names.Count < 1 || args[0] is not string explicitName)
            {
                throw new ArgumentException($"{CallMemberName}(…) takes the MI command name as its first argument, for example mi.Call(\"tm:uac_dlg\", …).", nameof(args));
            }

            command = explicitName;
            args = args[1..];
        }
        else
        {
            command = MiCommandNames.ToCommandName(binder.Name);
        }

        var call = Bind(command, names, args);
        result = verbatim
            ? Client.CommandAsync(command, call.Parameters, call.Timeout, call.CancellationToken)
            : MiCommandRouter.CommandAsync(Client, command, call.Parameters, call.Timeout, call.CancellationToken);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"dynamic {Client}";

    /// <summary>Builds the parameters, token and timeout of one dynamic call.</summary>
    internal static DynamicCall Bind(string command, IReadOnlyList<string> argumentNames, object?[] args)
    {
        var positionalCount = args.Length - argumentNames.Count;
        CancellationToken token = default;
        TimeSpan? timeout = null;
        var positional = new List<object?>(positionalCount);
        for (var i = 0; i < positionalCount; i++)
        {
            if (args[i] is CancellationToken ct)
            {
                if (i != positionalCount - 1 || argumentNames.Count > 0)
                {
                    throw new ArgumentException($"'{command}': a CancellationToken must be the last argument (or passed as cancellationToken: ct).", nameof(args));
                }

                token = ct;
                continue;
            }

            positional.Add(args[i]);
        }

        var named = new List<KeyValuePair<string, MiValue>>(argumentNames.Count);
        for (var j = 0; j < argumentNames.Count; j++)
        {
            var name = argumentNames[j];
            var value = args[positionalCount + j];
            if (name == TokenName)
            {
                token = value is CancellationToken ct
                    ? ct
                    : throw new ArgumentException($"'{command}': {TokenName}: must be a CancellationToken.", nameof(args));
                continue;
            }

            if (name == TimeoutName && value is TimeSpan span)
            {
                timeout = span;
                continue;
            }

            named.Add(new(MiCommandNames.ToParameterName(name), ToValue(command, name, value)));
        }

        if (positional.Count > 0 && named.Count > 0)
        {
            throw new ArgumentException(
                $"'{command}' was called with {positional.Count} positional and {named.Count} named argument(s) ({string.Join(", ", named.Select(n => n.Key))}): " +
                "an MI call sends either a JSON array (all positional) or a JSON object (all named). Use one style.",
                nameof(args));
        }

        var parameters = named.Count > 0 ? MiParams.FromNamed(named) : BindPositional(command, positional);
        return new DynamicCall(parameters, timeout, token);
    }

    private static MiParams BindPositional(string command, List<object?> positional)
    {
        if (positional.Count == 0)
        {
            return MiParams.None;
        }

        if (positional.Count == 1)
        {
            var single = positional[0];
            if (single is MiParams given)
            {
                return given;
            }

            if (IsPlainObject(single))
            {
                // An anonymous object or POCO: its properties are the named parameters.
                return MiParams.FromObject(single!);
            }

            if (IsNamedBag(single))
            {
                return MiParams.FromNamed(ToValue(command, null, single).AsObject);
            }
        }

        if (MiCommandNames.TakesOneArray(command))
        {
            return positional.Count == 1 && IsSpreadable(positional[0])
                ? MiParams.Positional(ToValue(command, null, positional[0]))
                : MiParams.Positional(MiValue.Array(positional.Select(v => ToValue(command, null, v))));
        }

        if (positional.Count == 1 && IsSpreadable(positional[0]))
        {
            // The Ruby gem's lb_status([1, 0]): one .NET array or list holds the positional parameters.
            return MiParams.FromPositional(((IEnumerable)positional[0]!).Cast<object?>().Select(v => ToValue(command, null, v)));
        }

        return MiParams.FromPositional(positional.Select(v => ToValue(command, null, v)));
    }

    private static MiValue ToValue(string command, string? name, object? value)
    {
        if (IsPlainObject(value))
        {
            return MiValue.Object(MiParams.FromObject(value!).Members);
        }

        try
        {
            return MiValue.From(value);
        }
        catch (ArgumentException ex)
        {
            var what = name is null ? "an argument" : $"argument '{name}'";
            throw new ArgumentException($"'{command}': {what} cannot be sent: {ex.Message}", name ?? "args", ex);
        }
    }

    private static bool IsNamedBag(object? value) => value switch
    {
        IDictionary or IEnumerable<KeyValuePair<string, object?>> or IEnumerable<KeyValuePair<string, MiValue>> => true,
        JsonElement { ValueKind: JsonValueKind.Object } => true,
        JsonObject => true,
        MiValue { Kind: MiValueKind.Object } => true,
        _ => false,
    };

    private static bool IsSpreadable(object? value) =>
        value is IEnumerable and not string and not JsonNode && !IsNamedBag(value);

    private static bool IsPlainObject(object? value) =>
        value is not null
        && value is not (string or MiValue or MiParams or JsonElement or JsonNode or IEnumerable or Enum or decimal or CancellationToken or TimeSpan or DateTime or DateTimeOffset or Guid)
        && !value.GetType().IsPrimitive;

    /// <summary>The bound pieces of one dynamic call.</summary>
    internal readonly record struct DynamicCall(MiParams Parameters, TimeSpan? Timeout, CancellationToken CancellationToken);
}

/// <summary>Entry point of the dynamic method interface.</summary>
public static class MiDynamicExtensions
{
    /// <summary>
    /// A <see langword="dynamic"/> view of the client where every method call is an MI command:
    /// <c>await mi.uptime()</c>, <c>await mi.ul_show_contact("location", "alice")</c>, <c>await mi.log_level(level: 3)</c>.
    /// See <see cref="MiDynamicClient"/> for the argument rules.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <returns>A <see cref="MiDynamicClient"/> typed as <see langword="dynamic"/>.</returns>
    /// <example>
    /// <code>
    /// await using var client = MiClient.Connect("udp://127.0.0.1:8809");
    /// dynamic mi = client.AsDynamic();
    /// MiResponse contact = await mi.ul_show_contact("location", "alice");
    /// Console.WriteLine(contact.GetResult().GetProperty("Contacts")[0].GetProperty("Contact"));
    /// </code>
    /// </example>
    [RequiresDynamicCode(MiDynamicClient.DynamicMessage)]
    [RequiresUnreferencedCode(MiDynamicClient.DynamicMessage)]
    public static dynamic AsDynamic(this MiClient client) => new MiDynamicClient(client);
}
