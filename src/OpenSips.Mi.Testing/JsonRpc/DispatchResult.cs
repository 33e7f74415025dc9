using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>What the MI core decided for one request; each transport renders it its own way.</summary>
internal enum DispatchKind
{
    /// <summary>A JSON-RPC reply (result or error) must be sent.</summary>
    Reply,

    /// <summary>Nothing is sent (notification, or a handler's NoReply).</summary>
    None,

    /// <summary>The bytes were not JSON (datagram: <c>400 Parse_error</c>; http: -32700; fifo: nothing).</summary>
    ParseError,

    /// <summary>The reply could not be printed, e.g. an object id (datagram: <c>500 Internal error</c>; http: 500).</summary>
    InternalError,
}

/// <summary>The MI core's decision plus the reply and id to print.</summary>
internal sealed record DispatchResult(DispatchKind Kind, MiEmulatorReply? Reply, JsonNode? Id, bool IsNotification)
{
    public static DispatchResult None(bool notification) => new(DispatchKind.None, null, null, notification);

    public static DispatchResult Parse() => new(DispatchKind.ParseError, null, null, false);

    public static DispatchResult Internal() => new(DispatchKind.InternalError, null, null, false);
}
