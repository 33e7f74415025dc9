using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>Prints a JSON-RPC reply as OpenSIPS does: compact, members <c>jsonrpc</c>, <c>result</c>|<c>error</c>, <c>id</c>.</summary>
internal static class JsonRpcWriter
{
    public static byte[] Write(MiEmulatorReply reply, JsonNode? id)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Raw(buffer, "{\"jsonrpc\":\"2.0\",");
        if (reply.Kind == MiEmulatorReplyKind.Error)
        {
            Raw(buffer, "\"error\":{\"code\":");
            Raw(buffer, CJson.FormatNumber(reply.ErrorCode));
            Raw(buffer, ",\"message\":");
            CJson.WriteString(buffer, reply.ErrorMessage ?? string.Empty);
            if (reply.ErrorData is not null)
            {
                Raw(buffer, ",\"data\":");
                CJson.WriteString(buffer, reply.ErrorData);
            }

            Raw(buffer, "}");
        }
        else
        {
            Raw(buffer, "\"result\":");
            CJson.Write(buffer, reply.ResultValue);
        }

        Raw(buffer, ",\"id\":");
        CJson.Write(buffer, id);
        Raw(buffer, "}");
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] ParseError() =>
        Write(MiEmulatorReply.Error(JsonRpcCodes.ParseError, "Parse error"), null);

    private static void Raw(ArrayBufferWriter<byte> buffer, string s) => buffer.Write(Encoding.ASCII.GetBytes(s));
}
