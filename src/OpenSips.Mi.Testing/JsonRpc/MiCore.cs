using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>
/// The transport-independent MI core: JSON-RPC validation, id handling, command lookup, recipe matching and execution,
/// in the order OpenSIPS does them.
/// </summary>
internal sealed class MiCore
{
    private readonly CommandRegistry _registry;
    private readonly TimeProvider _time;

    public MiCore(CommandRegistry registry, TimeProvider time)
    {
        _registry = registry;
        _time = time;
    }

    /// <summary>Parses a JSON-RPC request and fills <paramref name="request"/>; null tree means a parse error.</summary>
    public static JsonNode? Parse(MiEmulatorRequest request, out bool parsed)
    {
        var node = JsonRpcParser.ParseFirstValue(request.RawBytes.Span, out parsed);
        if (!parsed)
        {
            return null;
        }

        if (node is JsonObject obj)
        {
            request.HasId = obj.TryGetPropertyValue("id", out var id);
            request.Id = id?.DeepClone();
            if (obj.TryGetPropertyValue("method", out var m) && m is JsonValue mv && mv.GetValueKind() == JsonValueKind.String)
            {
                request.Method = mv.GetValue<string>();
            }

            if (obj.TryGetPropertyValue("params", out var p))
            {
                request.Params = p?.DeepClone();
            }

            request.IsParsed = true;
        }

        return node;
    }

    /// <summary>Validates and executes a parsed JSON-RPC tree.</summary>
    public async Task<DispatchResult> DispatchJsonAsync(MiEmulatorRequest request, JsonNode? tree, CancellationToken cancellationToken)
    {
        if (tree is not JsonObject obj)
        {
            // Batches and scalars: -32600 with id null (docs/wire-facts.md#jsonrpc-invalid).
            return Reply(InvalidRequest(), null, notification: false);
        }

        JsonNode? id = null;
        if (obj.TryGetPropertyValue("id", out var rawId))
        {
            if (!TryNormalizeId(rawId, out id))
            {
                return DispatchResult.Internal();
            }
        }

        var notification = !request.HasId;
        if (!obj.TryGetPropertyValue("jsonrpc", out var version) || version is not JsonValue vv
            || vv.GetValueKind() != JsonValueKind.String || vv.GetValue<string>() != "2.0"
            || request.Method.Length == 0 && !(obj["method"] is JsonValue mv && mv.GetValueKind() == JsonValueKind.String)
            || obj.TryGetPropertyValue("params", out var p) && p is not (JsonArray or JsonObject))
        {
            // An invalid request is answered even without an id (docs/wire-facts.md#jsonrpc-notification).
            return Reply(InvalidRequest(), id, notification: false);
        }

        var reply = await ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        return notification ? DispatchResult.None(notification: true) : Reply(reply, id, notification: false);
    }

    /// <summary>Looks the command up, matches recipes and runs the handler.</summary>
    public async Task<MiEmulatorReply> ExecuteAsync(MiEmulatorRequest request, CancellationToken cancellationToken)
    {
        var entry = _registry.Find(request.Method);
        if (entry is null)
        {
            // OpenSIPS 4.0 names the candidates of a bare name several modules export.
            return _registry.Ambiguous(request.Method) is { } candidates
                ? MiEmulatorReply.Error(JsonRpcCodes.MethodAmbiguous, "Method ambiguous", "supported names: " + string.Join(", ", candidates))
                : MiEmulatorReply.Error(JsonRpcCodes.MethodNotFound, "Method not found");
        }

        var paramError = ParamMatcher.Check(entry.Recipes, request.Params);
        if (paramError is not null)
        {
            return paramError;
        }

        if (entry.Handler is null)
        {
            return MiEmulatorReply.Error(JsonRpcCodes.ServerError, "Server error", $"'{entry.Name}' is not emulated: register it with MiEmulator.Handle");
        }

        try
        {
            return await entry.Handler(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failing test handler becomes an MI error the client can see, not a dead emulator.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return MiEmulatorReply.Error(JsonRpcCodes.ServerError, "Server error", ex.Message);
        }
    }

    public TimeProvider Time => _time;

    private static DispatchResult Reply(MiEmulatorReply reply, JsonNode? id, bool notification) =>
        reply.Kind == MiEmulatorReplyKind.NoReply
            ? DispatchResult.None(notification)
            : new DispatchResult(DispatchKind.Reply, reply, id, notification);

    private static MiEmulatorReply InvalidRequest() => MiEmulatorReply.Error(JsonRpcCodes.InvalidRequest, "Invalid Request");

    /// <summary>OpenSIPS keeps string and null ids and passes numbers through a C int (docs/wire-facts.md#jsonrpc-id); other types cannot be printed.</summary>
    private static bool TryNormalizeId(JsonNode? raw, out JsonNode? id)
    {
        id = null;
        switch (raw)
        {
            case null:
                return true;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                id = JsonValue.Create(v.GetValue<string>());
                return true;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                id = JsonValue.Create(CJson.ToCInt(JsonNumbers.AsDouble(v) ?? 0));
                return true;
            default:
                return false;
        }
    }
}
