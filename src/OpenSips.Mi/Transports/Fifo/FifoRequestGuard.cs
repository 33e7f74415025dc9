using System.Text.Json;

namespace OpenSips.Mi;

/// <summary>
/// Refuses what must never reach mi_fifo: a request without a string <c>method</c>, or a batch, makes OpenSIPS 3.6.8's
/// FIFO process crash and the whole server shut down (docs/wire-facts.md#fifo-crash); unparsable JSON is never answered (docs/wire-facts.md#fifo-no-reply).
/// Our JSON-RPC codec never produces these; this is a cheap last line of defence on the top level only.
/// </summary>
internal static class FifoRequestGuard
{
    public static void Check(ReadOnlySpan<byte> request)
    {
        if (request.IsEmpty)
        {
            throw Refuse("it is empty");
        }

        var reader = new Utf8JsonReader(request, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                throw Refuse("it is a JSON-RPC batch (a top-level array), which makes OpenSIPS's FIFO process crash and shut the server down");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Refuse("it is not a JSON object");
            }

            var hasMethod = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMethod = reader.ValueTextEquals("method"u8);
                reader.Read();
                if (isMethod)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Refuse("its \"method\" is not a string, which makes OpenSIPS's FIFO process crash and shut the server down");
                    }

                    hasMethod = true;
                }

                reader.Skip();
            }

            if (!hasMethod)
            {
                throw Refuse("it has no \"method\", which makes OpenSIPS's FIFO process crash and shut the server down");
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException("This request is not sent over mi_fifo: it is not valid JSON, and OpenSIPS never answers unparsable JSON on its FIFO.", nameof(request), ex);
        }
    }

    private static ArgumentException Refuse(string why) => new($"This request is not sent over mi_fifo: {why}.");
}
