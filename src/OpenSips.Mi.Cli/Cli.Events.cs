using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli;

/// <summary>
/// <c>events</c>: subscribe (<c>event_subscribe</c>) and print each event as one JSON line on stdout until Ctrl+C or
/// <c>--count</c> events, then unsubscribe. Status and refresh failures go to stderr, so stdout stays pure JSON lines.
/// </summary>
internal static partial class Cli
{
    private static Command BuildEventsCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var names = new Argument<string[]>("E_NAME")
        {
            Description = "The events, e.g. E_UL_CONTACT_INSERT E_DLG_STATE_CHANGED ('opensips-mi events_list' lists them).",
            Arity = ArgumentArity.OneOrMore,
        };
        var listen = new Option<string>("--listen", "-l")
        {
            Description = "Where to receive: udp://127.0.0.1:0 (event_datagram, default), tcp://127.0.0.1:0 (event_stream) or unix:///PATH. Port 0 picks a free port.",
            HelpName = "URI",
        };
        var advertise = globals.Validation.Check(
            new Option<string>("--advertise")
            {
                Description = "The address OpenSIPS should send to when it differs from the bound one (NAT, containers, binding 0.0.0.0).",
                HelpName = "HOST[:PORT]",
            },
            text => TryParseHostPort(text, out _, out var error) ? null : error);
        var expire = globals.Validation.Check(
            new Option<int?>("--expire") { Description = "Subscription lifetime in seconds (default 3600); refreshed before it lapses.", HelpName = "SECONDS" },
            seconds => seconds is < 1 ? "--expire must be at least 1 second" : null);
        var count = globals.Validation.AtLeastOne(new Option<int?>("--count", "-n") { Description = "Stop after N events (default: until Ctrl+C).", HelpName = "N" });
        var command = new Command("events", "Subscribe to events and print each as one JSON line {\"name\",\"params\",\"received_at\",\"source\"} until Ctrl+C (or --count N); unsubscribes on exit.\n" +
            "  opensips-mi -u udp://127.0.0.1:8809 events E_UL_CONTACT_INSERT E_UL_CONTACT_DELETE | jq .params")
        {
            names, listen, advertise, expire, count,
        };
        command.SetAction((parse, ct) =>
        {
            var options = new MiSubscriptionOptions { Listen = parse.GetValue(listen) ?? MiSubscriptionOptions.Default.Listen };
            if (parse.GetValue(advertise) is { } given)
            {
                var (host, port) = ParseHostPort(given);
                options = options with { AdvertisedHost = host, AdvertisedPort = port };
            }

            if (parse.GetValue(expire) is { } seconds)
            {
                options = options with { Expire = TimeSpan.FromSeconds(seconds) };
            }

            var limit = parse.GetValue(count);
            options.Validate();
            var events = parse.GetValue(names) ?? [];
            return WithTargetsAsync(parse, globals, env, async (targets, settings, _) =>
            {
                if (targets.Count > 1)
                {
                    throw new UsageException("events follows one server: give a single --url");
                }

                return await FollowEventsAsync(env, targets[0], settings, events, options, limit, ct);
            }, ct);
        });
        return command;
    }

    private static async Task<int> FollowEventsAsync(
        CliEnvironment env,
        string target,
        ConnectSettings settings,
        IReadOnlyList<string> events,
        MiSubscriptionOptions options,
        int? limit,
        CancellationToken ct)
    {
        await using var client = TargetRunner.Connect(target, settings);
        await using var subscription = await client.SubscribeAsync(events, options, ct);
        subscription.RefreshFailed += (_, e) =>
        {
            var message = TargetRunner.Describe(e.Error)?.Message ?? e.Error.Message;
            lock (env.Error)
            {
                env.Error.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"events: refreshing the subscription failed (attempt {e.Attempt}): {message}; retrying in {e.RetryIn.TotalSeconds:0.#} s, it lapses at {e.ExpiresAt:u}"));
                env.Error.Flush();
            }
        };
        lock (env.Error)
        {
            env.Error.WriteLine($"subscribed to {string.Join(", ", subscription.Events)} on {subscription.Socket} (Ctrl+C stops and unsubscribes)");
            env.Error.Flush();
        }

        var seen = 0;
        try
        {
            await foreach (var ev in subscription.ReadAllAsync(ct))
            {
                await env.Out.WriteLineAsync(EventLine(ev));
                await env.Out.FlushAsync(ct);
                if (limit is { } n && ++seen >= n)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C is the normal way to stop following: unsubscribe (dispose) and exit 0.
        }

        return ExitCodes.Success;
    }

    /// <summary><c>{"name":"E_X","params":{…},"received_at":"2026-…Z","source":"udp:127.0.0.1:P"}</c> on one line.</summary>
    internal static string EventLine(MiEvent ev)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("name", ev.Name);
            writer.WritePropertyName("params");
            if (ev.Params.ValueKind == JsonValueKind.Undefined)
            {
                writer.WriteNullValue();
            }
            else
            {
                ev.Params.WriteTo(writer);
            }

            writer.WriteString("received_at", ev.ReceivedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            writer.WriteString("source", ev.Source);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Splits <c>HOST</c>, <c>HOST:PORT</c>, <c>[V6]</c> or <c>[V6]:PORT</c>.</summary>
    internal static (string Host, int? Port) ParseHostPort(string text) =>
        TryParseHostPort(text, out var parsed, out var error) ? parsed : throw new UsageException(error!);

    private static bool TryParseHostPort(string? text, out (string Host, int? Port) parsed, out string? error)
    {
        parsed = default;
        error = null;
        text ??= string.Empty;
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                error = $"--advertise '{text}' is not HOST[:PORT]";
                return false;
            }

            host = text[1..close];
            port = close + 1 < text.Length ? text[(close + 2)..] : null;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            host = text[..text.IndexOf(':', StringComparison.Ordinal)];
            port = text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }
        else
        {
            host = text;
        }

        if (host.Length == 0)
        {
            error = $"--advertise '{text}' has no host";
            return false;
        }

        if (port is null)
        {
            parsed = (host, null);
            return true;
        }

        if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 65535)
        {
            parsed = (host, number);
            return true;
        }

        error = $"--advertise '{text}': the port must be 1-65535";
        return false;
    }
}
