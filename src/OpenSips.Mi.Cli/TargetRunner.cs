using System.Text.Json;

namespace OpenSips.Mi.Cli;

/// <summary>What one target answered: a result, an MI error, or a failure message (transport, timeout, bad URI).</summary>
internal sealed record TargetOutcome(string Target, JsonElement? Result, MiError? Error, string? Failure, int ExitCode)
{
    public static TargetOutcome FromResponse(string target, MiResponse response) => response.IsSuccess
        ? new(target, response.Result!.Value.Clone(), null, null, ExitCodes.Success)
        : new(target, null, response.Error, null, ExitCodes.MiError);

    /// <summary>The one-line text for stderr: <c>error CODE: MESSAGE (DATA)</c> or the failure message.</summary>
    public string? ErrorLine => Error is { } e
        ? (e.DataText is { } data ? $"error {e.Code}: {e.Message} ({data})" : $"error {e.Code}: {e.Message}")
        : Failure;
}

/// <summary>How to connect besides the URI: the resolved timeout, and mi_fifo's reply directory when it is not the default <c>/tmp/</c> (the emulator's).</summary>
internal sealed record ConnectSettings(TimeSpan? Timeout, string? FifoReplyDirectory = null);

/// <summary>Connects to targets and runs a call on each, concurrently, mapping every expected failure to an exit code and one line.</summary>
internal static class TargetRunner
{
    public static Task<TargetOutcome[]> RunAllAsync(
        IReadOnlyList<string> targets,
        ConnectSettings timeout,
        Func<MiClient, CancellationToken, Task<MiResponse>> call,
        CancellationToken cancellationToken) =>
        Task.WhenAll(targets.Select(t => RunOneAsync(t, timeout, call, cancellationToken)));

    public static async Task<TargetOutcome> RunOneAsync(
        string target,
        ConnectSettings timeout,
        Func<MiClient, CancellationToken, Task<MiResponse>> call,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var client = Connect(target, timeout);
            var response = await call(client, cancellationToken);
            return TargetOutcome.FromResponse(target, response);
        }
        catch (Exception ex) when (Describe(ex) is { } failure)
        {
            return new TargetOutcome(target, null, null, failure.Message, failure.ExitCode);
        }
    }

    /// <summary>Creates a client for a URI with the resolved timeout.</summary>
    /// <exception cref="UsageException">The URI is malformed.</exception>
    public static MiClient Connect(string target, ConnectSettings timeout)
    {
        var options = ParseOptions(target, timeout);
        try
        {
            return MiClient.Connect(options);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new MiTransportException($"cannot reach OpenSIPS MI at {options.ToUriString()}: {ex.Message}", ex);
        }
    }

    /// <summary>Parses and validates a URI with the resolved timeout, without opening anything.</summary>
    /// <exception cref="UsageException">The URI is malformed.</exception>
    public static MiConnectionOptions ParseOptions(string target, ConnectSettings timeout)
    {
        try
        {
            var options = MiConnectionOptions.Parse(target);
            ArgumentNullException.ThrowIfNull(timeout);
            if (timeout.Timeout is { } t)
            {
                options = options with { Timeout = t };
            }

            if (timeout.FifoReplyDirectory is { } replies && options is FifoOptions fifo)
            {
                options = fifo with { ReplyDirectory = replies };
            }

            options.Validate();
            return options;
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"bad URI '{target}': {Plain(ex)}");
        }
    }

    /// <summary>The exit code and one-line message of an expected failure; <see langword="null"/> for bugs and cancellation.</summary>
    public static (int ExitCode, string Message)? Describe(Exception ex) => ex switch
    {
        UsageException usage => (ExitCodes.Usage, usage.Message),
        MiRequestTooLargeException tooLarge => (ExitCodes.Usage, tooLarge.Message),
        MiTimeoutException timeout => (ExitCodes.Transport, timeout.Message),
        MiTransportException transport => (ExitCodes.Transport, transport.Message),
        MiProtocolException protocol => (ExitCodes.Transport, protocol.Message),
        MiCommandException command => (ExitCodes.MiError, new TargetOutcome(string.Empty, null, command.Error, null, 1).ErrorLine!),
        ArgumentException argument => (ExitCodes.Usage, Plain(argument)),
        _ => null,
    };

    /// <summary>The message without the " (Parameter 'x')" suffix .NET appends.</summary>
    private static string Plain(ArgumentException ex) =>
        ex.ParamName is { } name ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message;
}
