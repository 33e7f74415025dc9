using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>Turns request bytes into a JSON tree like OpenSIPS's cJSON parse: the first JSON value, trailing bytes ignored.</summary>
internal static class JsonRpcParser
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    /// <summary>Parses the first JSON value; null means "Parse error".</summary>
    public static JsonNode? ParseFirstValue(ReadOnlySpan<byte> bytes, out bool ok)
    {
        ok = false;
        // cJSON does not skip a BOM: OpenSIPS answers 400 Parse_error (docs/wire-facts.md#dg-plain-text), System.Text.Json would accept it.
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read())
            {
                return null;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }

            var consumed = (int)reader.BytesConsumed;
            var node = JsonNode.Parse(bytes[..consumed], NodeOptions, new JsonDocumentOptions { MaxDepth = 256 });
            ok = true;
            return node;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
