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
    private readonly IMiTransport _transport;
    private readonly IMiCodec _codec;
    private readonly DatagramCorrelator? _correlator;
    private readonly ILogger _logger;
    private int _nextId;
    private int _disposed;
    private int _dialect;

    private MiClient(MiConnectionOptions options, IMiTransport transport, IMiCodec codec)
    {
        Options = options;
        _transport = transport;
        _codec = codec;
        _logger = options.LoggerFactory?.CreateLogger<MiClient>() ?? (ILogger)NullLogger.Instance;
        if (transport is IDatagramTransport datagram)
        {
            _correlator = new DatagramCorrelator(datagram, _logger);
        }

        Log.Connected(_logger, transport.Name, transport.Endpoint);
    }

    /// <summary>The options this client was created with.</summary>
    public MiConnectionOptions Options { get; }

    /// <summary>The endpoint as a URI (never with credentials).</summary>
    public string Endpoint => _transport.Endpoint;

    /// <summary>The MI module this client talks to (<c>mi_datagram</c>, <c>mi_http</c>, <c>mi_xmlrpc_ng</c>, <c>mi_fifo</c>).</summary>
    public string TransportName => _transport.Name;

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
        return options switch
        {
            DatagramOptions udp => new MiClient(options, UdpTransport.Create(udp), JsonRpcCodec.Instance),
            UnixDatagramOptions unix => new MiClient(options, UnixDatagramTransport.Create(unix), JsonRpcCodec.Instance),
            XmlRpcOptions xml => new MiClient(options, HttpTransport.Create(xml, XmlRpcCodec.Instance.ContentType), XmlRpcCodec.Instance),
            HttpOptions http => new MiClient(options, HttpTransport.Create(http, JsonRpcCodec.Instance.ContentType), JsonRpcCodec.Instance),
            FifoOptions fifo => new MiClient(options, FifoTransport.Create(fifo), JsonRpcCodec.Instance),
            _ => throw new ArgumentException($"Unsupported options type {options.GetType().Name}.", nameof(options)),
        };
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
    public async Task<MiResponse> CommandAsync(string method, MiParams? parameters, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        ValidateMethod(method);
        parameters ??= MiParams.None;
        var limit = timeout ?? Options.Timeout;
        if (limit <= TimeSpan.Zero || limit == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be a positive duration: every call needs a bound.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();

        var id = NextId();

        // The request is encoded into a pooled array. It goes back to the pool when it was refused before sending or once
        // the reply is in; after a failed or abandoned exchange it is left to the GC, because an HTTP handler may still
        // be reading it in the background.
        var request = new PooledBufferWriter();
        try
        {
            _codec.EncodeRequest(request, method, parameters, id);
            if (request.WrittenCount > _transport.MaxRequestBytes)
            {
                throw new MiRequestTooLargeException(_transport.Name, request.WrittenCount, _transport.MaxRequestBytes, _transport.RequestLimitAdvice);
            }
        }
        catch
        {
            request.Dispose();
            throw;
        }

        if (_logger.IsEnabled(LogLevel.Trace))
        {
            Log.CallParams(_logger, method, id, parameters.ToString());
        }

        var started = Stopwatch.GetTimestamp();
        using var activity = StartActivity(method);
        var outcome = "exception";
        MiDiagnostics.InFlight.Add(1, new KeyValuePair<string, object?>("opensips.mi.transport", _transport.Name));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            var reply = _correlator is not null
                ? await _correlator.CallAsync(id, request.WrittenMemory, deadline.Token).ConfigureAwait(false)
                : await ((IExchangeTransport)_transport).ExchangeAsync(request.WrittenMemory, deadline.Token).ConfigureAwait(false);
            request.Dispose();
            var response = _codec.DecodeResponse(method, reply, id, _transport.Name);
            outcome = response.IsSuccess ? "ok" : "error";
            LogOutcome(method, started, response.IsSuccess ? "ok" : "error " + response.Error!.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            var hint = ex is MiPendingHintException pending
                ? $"OpenSIPS sent '{pending.Hint}' while several calls were in flight, so it could not be matched to this one"
                : TimeoutHint();
            outcome = "timeout";
            var timeoutError = new MiTimeoutException(method, _transport.Endpoint, limit, hint);
            Log.CallFailed(_logger, method, _transport.Endpoint, timeoutError.Message);
            throw timeoutError;
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
            throw;
        }
        catch (MiException ex)
        {
            Log.CallFailed(_logger, method, _transport.Endpoint, ex.Message);
            throw;
        }
        finally
        {
            Record(activity, method, outcome, started);
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
            activity.SetTag("server.address", _transport.Endpoint);
            activity.SetTag("opensips.mi.transport", _transport.Name);
        }

        return activity;
    }

    private void Record(Activity? activity, string method, string outcome, long started)
    {
        var tags = new TagList
        {
            { "rpc.method", method },
            { "opensips.mi.transport", _transport.Name },
            { "opensips.mi.outcome", outcome },
        };
        MiDiagnostics.InFlight.Add(-1, new KeyValuePair<string, object?>("opensips.mi.transport", _transport.Name));
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

    private string? TimeoutHint() => _transport.Name switch
    {
        "mi_fifo" => "mi_fifo answers nothing to unparsable JSON or a missing reply FIFO; is OpenSIPS running and reading this FIFO?",
        "mi_datagram" => "is mi_datagram listening there? (UDP cannot tell a silent server from a lost packet)",
        _ => null,
    };

    private void LogOutcome(string method, long started, string outcome)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.CallCompleted(_logger, method, _transport.Name, _transport.Endpoint, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
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

        if (_correlator is not null)
        {
            await _correlator.DisposeAsync().ConfigureAwait(false);
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() => $"MiClient({_transport.Name} {_transport.Endpoint})";
}
