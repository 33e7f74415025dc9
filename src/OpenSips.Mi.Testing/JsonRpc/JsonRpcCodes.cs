namespace OpenSips.Mi.Testing;

/// <summary>The JSON-RPC error codes OpenSIPS uses.</summary>
public static class JsonRpcCodes
{
    /// <summary>-32700 "Parse error".</summary>
    public const int ParseError = -32700;

    /// <summary>-32600 "Invalid Request".</summary>
    public const int InvalidRequest = -32600;

    /// <summary>-32601 "Method not found".</summary>
    public const int MethodNotFound = -32601;

    /// <summary>-32001 "Method ambiguous" (OpenSIPS 4.0: a bare command name several modules export).</summary>
    public const int MethodAmbiguous = -32001;

    /// <summary>-32602 "Invalid params".</summary>
    public const int InvalidParams = -32602;

    /// <summary>-32000 "Server error".</summary>
    public const int ServerError = -32000;
}
