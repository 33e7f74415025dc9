using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace OpenSips.Mi;

/// <summary>
/// OpenSIPS's answer to one MI command: either a <see cref="Result"/> or an <see cref="Error"/>, like the Ruby gem's
/// <c>{result:}</c> / <c>{error:}</c>. JSON-RPC errors are returned here, not thrown; call <see cref="EnsureSuccess"/> or
/// <see cref="GetResult"/> to turn them into a <see cref="MiCommandException"/>.
/// </summary>
public sealed class MiResponse
{
    // The result as decoded JSON, or (from the client) its checked UTF-8 bytes, parsed on first use.
    private readonly byte[]? _resultJson;
    private JsonDocument? _parsed;
    private JsonElement _result;

    /// <summary>Creates a successful response.</summary>
    /// <param name="method">The command that was called.</param>
    /// <param name="result">The JSON result.</param>
    public MiResponse(string method, JsonElement result)
    {
        Method = method;
        _result = result;
    }

    /// <summary>A successful response whose result is <paramref name="resultJson"/>, already checked to be one valid JSON value.</summary>
    internal MiResponse(string method, byte[] resultJson)
    {
        Method = method;
        _resultJson = resultJson;
    }

    /// <summary>Creates an error response.</summary>
    /// <param name="method">The command that was called.</param>
    /// <param name="error">The JSON-RPC error.</param>
    public MiResponse(string method, MiError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Method = method;
        Error = error;
    }

    /// <summary>The MI command this answers.</summary>
    public string Method { get; }

    /// <summary>True when OpenSIPS returned a result.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>The JSON result, or <see langword="null"/> when the command failed.</summary>
    public JsonElement? Result => Error is null ? ResultElement : null;

    /// <summary>The JSON-RPC error, or <see langword="null"/> on success.</summary>
    public MiError? Error { get; }

    /// <summary>Throws <see cref="MiCommandException"/> when OpenSIPS answered with an error.</summary>
    /// <returns>This response, for chaining.</returns>
    /// <exception cref="MiCommandException">The command failed.</exception>
    public MiResponse EnsureSuccess() => IsSuccess ? this : throw new MiCommandException(Method, Error);

    /// <summary>The result, or a <see cref="MiCommandException"/> when the command failed.</summary>
    /// <returns>The JSON result.</returns>
    /// <exception cref="MiCommandException">The command failed.</exception>
    public JsonElement GetResult() => IsSuccess ? ResultElement : throw new MiCommandException(Method, Error);

    private JsonElement ResultElement
    {
        get
        {
            if (_resultJson is null)
            {
                return _result;
            }

            // Parsed once; racing readers agree on the first document published. It is never disposed (like a cloned
            // element's), so its metadata is left to the GC rather than returned to the pool.
            if (Volatile.Read(ref _parsed) is not { } document)
            {
                var parsed = JsonDocument.Parse(_resultJson, new JsonDocumentOptions { MaxDepth = 256 });
                document = Interlocked.CompareExchange(ref _parsed, parsed, null) ?? parsed;
            }

            return document.RootElement;
        }
    }

    /// <summary>The result as a mutable <see cref="JsonNode"/>.</summary>
    /// <returns>The JSON result as a node (<see langword="null"/> for JSON null).</returns>
    /// <exception cref="MiCommandException">The command failed.</exception>
    public JsonNode? GetResultNode() => JsonSerializer.SerializeToNode(GetResult(), MiJsonContext.Default.JsonElement);

    /// <summary>The result converted to <typeparamref name="T"/> with source-generated metadata (trimming and AOT safe).</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="typeInfo">Metadata from a <c>JsonSerializerContext</c>.</param>
    /// <returns>The converted result.</returns>
    /// <exception cref="MiCommandException">The command failed.</exception>
    /// <exception cref="JsonException">The result does not fit <typeparamref name="T"/>.</exception>
    public T? GetResult<T>(JsonTypeInfo<T> typeInfo) => GetResult().Deserialize(typeInfo);

    /// <summary>The result converted to <typeparamref name="T"/> with reflection-based <see cref="JsonSerializer"/>.</summary>
    /// <typeparam name="T">The target type: <c>string</c>, <c>long</c>, a record, <c>Dictionary&lt;string, long&gt;</c>…</typeparam>
    /// <param name="options">Serializer options; the defaults with case-insensitive names when omitted.</param>
    /// <returns>The converted result.</returns>
    /// <exception cref="MiCommandException">The command failed.</exception>
    /// <exception cref="JsonException">The result does not fit <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode("Uses reflection-based JSON; pass a JsonTypeInfo<T> in trimmed or AOT applications.")]
    [RequiresDynamicCode("Uses reflection-based JSON; pass a JsonTypeInfo<T> in trimmed or AOT applications.")]
    public T? GetResult<T>(JsonSerializerOptions? options = null) => GetResult().Deserialize<T>(options ?? DefaultReadOptions);

    private static readonly JsonSerializerOptions DefaultReadOptions = new(JsonSerializerDefaults.Web);

    /// <inheritdoc/>
    public override string ToString() => IsSuccess ? ResultElement.GetRawText() : $"error {Error}";
}
