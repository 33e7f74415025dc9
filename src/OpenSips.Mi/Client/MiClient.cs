using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OpenSips.Mi;

/// <summary>
/// A client for one OpenSIPS MI endpoint over any transport. Thread-safe and cheap to share: create one per server and
/// keep it for the application's lifetime; dispose it with <c>await using</c>.
/// </summary>
/// <example>
/// <code>
/// await using var mi = MiClient.Connect("udp://127.0.0.1:8809");
/// var uptime = await mi.CommandAsync("uptime");
/// var contact = await mi.CommandAsync("ul_show_contact", MiParams.Positional("location", "alice"));
/// </code>
/// </example>
public sealed class MiClient : IAsyncDisposable
{
    private readonly IMiExchange _exchange;
    private readonly IMiCodec _codec;
    private readonly ILogger _logger;
    private int _nextId;
    private int _disposed;
    private int _dialect;

    private MiClient(MiConnectionOptions options)
    {
        Options = options;
        _logger = options.LoggerFactory?.CreateLogger<MiClient>() ?? (ILogger)NullLogger.Instance;
        (_exchange, _codec) = MiExchanges.Create(options, _logger);

        // Ids start at a random point: another local user who can write to a unix client socket cannot guess them.
        _nextId = System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue);
        Log.Connected(_logger, _exchange.Name, _exchange.Endpoint);
    }

    /// <summary>The options this client was created with.</summary>
    public MiConnectionOptions Options { get; }

    /// <summary>The endpoint as a URI (never with credentials).</summary>
    public string Endpoint => _exchange.Endpoint;

    /// <summary>The MI module this client talks to (<c>mi_datagram</c>, <c>mi_http</c>, <c>mi_xmlrpc_ng</c>, <c>mi_fifo</c>).</summary>
    public string TransportName => _exchange.Name;

    /// <summary>
    /// Which command names the server answers to, as far as this client knows: learned from <c>version</c>,
    /// <c>which</c>, or a typed command whose 3.x name the server did not know (-32601) while its 4.0 name worked.
    /// Typed commands and the dynamic surface send the name of this dialect; raw <see cref="CommandAsync(string, CancellationToken)"/>
    /// calls always send the name as written. Set it when you know the server, to save the first round trip.
    /// </summary>
    public MiDialect Dialect
    {
        get => (MiDialect)Volatile.Read(ref _dialect);
        set => Volatile.Write(ref _dialect, value is MiDialect.Unknown or MiDialect.OpenSips3 or MiDialect.OpenSips4
            ? (int)value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Use Unknown, OpenSips3 or OpenSips4."));
    }

    /// <summary>
    /// Connects to an endpoint given as a URI: <c>udp://host:port</c>, <c>unix:///path</c>, <c>http(s)://host:port/mi</c>,
    /// <c>xmlrpc+http(s)://host:port/RPC2</c> or <c>fifo:///path</c>, with the default 5 s timeout.
    /// </summary>
    /// <param name="uri">The endpoint.</param>
    /// <returns>A client; nothing is sent until the first call.</returns>
    /// <exception cref="ArgumentException">The URI is malformed (the message names the problem and the expected form).</exception>
    public static MiClient Connect(string uri) => Connect(MiConnectionOptions.Parse(uri));

    /// <summary>Connects with explicit options, for example <c>new DatagramOptions("127.0.0.1", 8809) { Timeout = TimeSpan.FromSeconds(2) }</c>.</summary>
    /// <param name="options">The transport and its settings.</param>
    /// <returns>A client; nothing is sent until the first call.</returns>
    /// <exception cref="ArgumentException">A field is missing or out of range (the message names it).</exception>
    /// <exception cref="MiTransportException">A unix socket could not be bound or connected.</exception>
    public static MiClient Connect(MiConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new MiClient(options);
    }

    /// <summary>Runs a command with no parameters (the request carries no <c>params</c> member).</summary>
    /// <param name="method">The MI command, for example <c>uptime</c>, or an OpenSIPS 4 name such as <c>tm:uac_dlg</c>.</param>
    /// <param name="cancellationToken">Cancels the wait (the command may still run on the server).</param>
    /// <returns>The result or the JSON-RPC error OpenSIPS answered.</returns>
    /// <exception cref="MiTimeoutException">No reply within the timeout.</exception>
    /// <exception cref="MiTransportException">The endpoint could not be reached.</exception>
    /// <exception cref="MiProtocolException">The reply was not a JSON-RPC reply (for example a plain-text error).</exception>
    public Task<MiResponse> CommandAsync(string method, CancellationToken cancellationToken = default) =>
        CommandAsync(method, MiParams.None, null, cancellationToken);

    /// <summary>Runs a command with positional or named parameters.</summary>
    /// <param name="method">The MI command.</param>
    /// <param name="parameters">The parameters: <see cref="MiParams.Positional(ReadOnlySpan{MiValue})"/> or <see cref="MiParams.Named(ReadOnlySpan{ValueTuple{string, MiValue}})"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The result or the JSON-RPC error OpenSIPS answered.</returns>
    /// <exception cref="MiTimeoutException">No reply within the timeout.</exception>
    /// <exception cref="MiTransportException">The endpoint could not be reached.</exception>
    /// <exception cref="MiProtocolException">The reply was not a JSON-RPC reply.</exception>
    /// <exception cref="MiRequestTooLargeException">The request is over the transport's limit; nothing was sent.</exception>
    public Task<MiResponse> CommandAsync(string method, MiParams parameters, CancellationToken cancellationToken = default) =>
        CommandAsync(method, parameters, null, cancellationToken);

    /// <summary>Runs a command with its own timeout (for example <c>t_uac_dlg</c>, which answers only when the SIP transaction ends).</summary>
    /// <param name="method">The MI command.</param>
    /// <param name="parameters">The parameters, or <see langword="null"/> for none.</param>
    /// <param name="timeout">This call's timeout; the client's <see cref="MiConnectionOptions.Timeout"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The result or the JSON-RPC error OpenSIPS answered.</returns>
    /// <exception cref="MiTimeoutException">No reply within the timeout.</exception>
    /// <exception cref="MiTransportException">The endpoint could not be reached.</exception>
    /// <exception cref="MiProtocolException">The reply was not a JSON-RPC reply.</exception>
    /// <exception cref="MiRequestTooLargeException">The request is over the transport's limit; nothing was sent.</exception>
    public Task<MiResponse> CommandAsync(string method, MiParams? parameters, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        ValidateMethod(method);
        var limit = timeout ?? Options.Timeout;
        if (limit <= TimeSpan.Zero || limit == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be a positive duration: every call needs a bound.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<MiResponse>(cancellationToken);
        }

        return CallAsync(method, parameters ?? MiParams.None, limit, cancellationToken);
    }

    private async Task<MiResponse> CallAsync(string method, MiParams parameters, TimeSpan limit, CancellationToken cancellationToken)
    {
        var id = NextId();

        // The request is encoded into a pooled array. It goes back to the pool when it was refused before sending or once
        // the reply is in; after a failed or abandoned exchange it is left to the GC, because an HTTP handler may still
        // be reading it in the background.
        var request = PooledBufferWriter.Rent();
        try
        {
            _codec.EncodeRequest(request, method, parameters, id);
            if (request.WrittenCount > _exchange.MaxRequestBytes)
            {
                throw new MiRequestTooLargeException(_exchange.Name, request.WrittenCount, _exchange.MaxRequestBytes, _exchange.RequestLimitAdvice);
            }
        }
        catch
        {
            PooledBufferWriter.Return(request);
            throw;
        }

        if (_logger.IsEnabled(LogLevel.Trace))
        {
            Log.CallParams(_logger, method, id, parameters.ToString());
        }

        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        using var activity = StartActivity(method);
        var outcome = "exception";
        var metered = MiDiagnostics.InFlight.Enabled;
        if (metered)
        {
            MiDiagnostics.InFlight.Add(1, new KeyValuePair<string, object?>("opensips.mi.transport", _exchange.Name));
        }

        try
        {
            var requestBytes = request.WrittenCount;
            var reply = await _exchange.ExchangeAsync(new MiExchangeRequest(request.WrittenMemory, id, deadline), cancellationToken).ConfigureAwait(false);
            PooledBufferWriter.Return(request);
            MiResponse response;
            try
            {
                response = _codec.DecodeResponse(method, reply.Bytes, id, _exchange.Name);
                if (response.Error is { Code: -32700 } && _exchange.ExplainsParseErrors)
                {
                    throw HttpStatusErrors.PartialBody(_exchange.Name, _exchange.Endpoint, requestBytes, System.Text.Encoding.UTF8.GetString(reply.Bytes.Span));
                }
            }
            finally
            {
                reply.Release();
            }

            outcome = response.IsSuccess ? "ok" : "error";
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                LogOutcome(method, started, response.IsSuccess ? "ok" : "error " + response.Error!.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return response;
        }
        catch (MiExchangeTimeoutException ex)
        {
            outcome = "timeout";
            var timeoutError = new MiTimeoutException(method, _exchange.Endpoint, limit, ex.Hint ?? _exchange.TimeoutHint);
            Log.CallFailed(_logger, method, _exchange.Endpoint, timeoutError.Message);
            throw timeoutError;
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
            throw;
        }
        catch (MiException ex)
        {
            Log.CallFailed(_logger, method, _exchange.Endpoint, ex.Message);
            throw;
        }
        finally
        {
            if (metered || activity is not null || MiDiagnostics.Calls.Enabled || MiDiagnostics.Duration.Enabled)
            {
                Record(activity, method, outcome, started, metered);
            }
        }
    }

    private Activity? StartActivity(string method)
    {
        if (!MiDiagnostics.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = MiDiagnostics.ActivitySource.StartActivity(method, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rpc.system", "jsonrpc");
            activity.SetTag("rpc.method", method);
            activity.SetTag("server.address", _exchange.Endpoint);
            activity.SetTag("opensips.mi.transport", _exchange.Name);
        }

        return activity;
    }

    private void Record(Activity? activity, string method, string outcome, long started, bool metered)
    {
        var tags = new TagList
        {
            { "rpc.method", method },
            { "opensips.mi.transport", _exchange.Name },
            { "opensips.mi.outcome", outcome },
        };
        if (metered)
        {
            MiDiagnostics.InFlight.Add(-1, new KeyValuePair<string, object?>("opensips.mi.transport", _exchange.Name));
        }

        MiDiagnostics.Calls.Add(1, tags);
        if (outcome != "ok")
        {
            MiDiagnostics.Errors.Add(1, tags);
        }

        MiDiagnostics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        if (activity is not null)
        {
            activity.SetTag("opensips.mi.outcome", outcome);
            activity.SetStatus(outcome == "ok" ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
        }
    }

    private void LogOutcome(string method, long started, string outcome) =>
        Log.CallCompleted(_logger, method, _exchange.Name, _exchange.Endpoint, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

    /// <summary>The id the next call will carry, for tests that size a request to the byte.</summary>
    internal int PeekNextId()
    {
        var id = (Volatile.Read(ref _nextId) + 1) & int.MaxValue;
        return id == 0 ? 1 : id;
    }

    private int NextId()
    {
        // Ids stay within 1..int.MaxValue: OpenSIPS reads ids through a C int (docs/wire-facts.md#jsonrpc-id).
        var id = Interlocked.Increment(ref _nextId) & int.MaxValue;
        return id == 0 ? NextId() : id;
    }

    private static void ValidateMethod(string method)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        if (!MiValue.IsWellFormedUtf16(method))
        {
            throw new ArgumentException("The MI command name contains an unpaired surrogate (invalid UTF-16), which OpenSIPS cannot parse.", nameof(method));
        }

        foreach (var c in method)
        {
            if (char.IsControl(c) || c == ' ')
            {
                throw new ArgumentException($"The MI command name '{method.Replace("\n", "\\n", StringComparison.Ordinal)}' contains whitespace or a control character: command names are single words such as 'uptime' or 'tm:uac_dlg'.", nameof(method));
            }
        }
    }

    /// <summary>Closes the socket, HTTP connections or FIFO state; calls still waiting end with <see cref="ObjectDisposedException"/>.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _exchange.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() => $"MiClient({_exchange.Name} {_exchange.Endpoint})";
}
