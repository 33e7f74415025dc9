using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace OpenSips.Mi.Testing;

/// <summary>
/// mi_xmlrpc_ng's request parsing (docs/wire-facts.md#xmlrpc-request): the first param a struct = named params, else positional; only non-empty
/// strings, ints and arrays of those. XML newline normalisation turns raw CRLF into LF, <c>&amp;#13;</c> stays CR (docs/wire-facts.md#xmlrpc-crlf).
/// </summary>
internal static class XmlRpcRequestReader
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private sealed class InvalidXmlRpcException : Exception
    {
    }

    /// <summary>Fills the request's method and params; returns the fault reply when the call is not acceptable.</summary>
    public static MiEmulatorReply? Read(MiEmulatorRequest request)
    {
        XDocument doc;
        try
        {
            using var stream = new MemoryStream(request.RawBytes.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, Settings);
            doc = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return MiEmulatorReply.Error(JsonRpcCodes.ParseError, "Parse error");
        }

        request.HasId = true;
        try
        {
            var call = doc.Root;
            if (call is null || call.Name.LocalName != "methodCall")
            {
                throw new InvalidXmlRpcException();
            }

            var name = call.Element("methodName")?.Value.Trim();
            if (string.IsNullOrEmpty(name))
            {
                throw new InvalidXmlRpcException();
            }

            request.Method = name;
            var values = call.Element("params")?.Elements("param").Select(p => p.Element("value") ?? throw new InvalidXmlRpcException()).ToList() ?? [];
            if (values.Count > 0 && values[0].Elements().FirstOrDefault()?.Name.LocalName == "struct")
            {
                var named = new JsonObject();
                var members = values[0].Elements().First().Elements("member").ToList();
                if (members.Count == 0)
                {
                    // An empty struct is refused like an invalid request (checked against a real 3.6.8).
                    throw new InvalidXmlRpcException();
                }

                foreach (var member in members)
                {
                    var key = member.Element("name")?.Value ?? throw new InvalidXmlRpcException();
                    named[key] = Value(member.Element("value"), allowArray: true);
                }

                request.Params = named;
            }
            else
            {
                request.Params = new JsonArray(values.Select(v => Value(v, allowArray: true)).ToArray());
            }

            request.IsParsed = true;
            return null;
        }
        catch (InvalidXmlRpcException)
        {
            return MiEmulatorReply.Error(JsonRpcCodes.InvalidRequest, "Invalid Request");
        }
    }

    private static JsonNode Value(XElement? value, bool allowArray)
    {
        var typed = value?.Elements().FirstOrDefault() ?? throw new InvalidXmlRpcException();
        switch (typed.Name.LocalName)
        {
            case "string":
                return typed.Value.Length > 0 ? JsonValue.Create(typed.Value) : throw new InvalidXmlRpcException();
            case "int" or "i4":
                return int.TryParse(typed.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)
                    ? JsonValue.Create(i)
                    : throw new InvalidXmlRpcException();
            case "array" when allowArray:
                var data = typed.Element("data") ?? throw new InvalidXmlRpcException();
                return new JsonArray(data.Elements("value").Select(v => Value(v, allowArray: false)).ToArray());
            default:
                throw new InvalidXmlRpcException();
        }
    }
}
