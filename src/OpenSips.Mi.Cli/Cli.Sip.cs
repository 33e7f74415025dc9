using System.CommandLine;
using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;
using OpenSips.Mi.Cli.Output;
using OpenSips.Mi.Sip;

namespace OpenSips.Mi.Cli;

/// <summary>
/// The SIP helpers (<c>notify</c>, <c>mwi</c>, <c>uac</c>) over <c>t_uac_dlg</c>. The request is built and validated before
/// anything is sent (a bad header is a usage error, exit 2). The MI call waits for the final SIP reply, so its default
/// timeout is <see cref="UacDlgOptions.DefaultTimeout"/> (35 s, above tm's default <c>fr_timeout</c>); <c>--timeout</c> overrides it.
/// Exit codes: 0 for a 2xx reply, 1 for any other final reply from the far end (or an MI error), 3 for OpenSIPS's own
/// <c>408</c> when nobody answered (or a transport error).
/// </summary>
internal static partial class Cli
{
    private const string SipNote = " (waits up to 35 s unless --timeout; exit 0 for 2xx, 1 for another reply, 3 when nobody answered).";

    private static Option<string[]> HeaderOption() => new("--header", "-H")
    {
        Description = "An extra SIP header 'Name: value' (repeatable). CR, LF, NUL and names that are not SIP tokens are refused.",
        HelpName = "'Name: value'",
    };

    private static Command BuildNotifyCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var uri = new Argument<string>("URI") { Description = "The phone's contact URI, e.g. sip:alice@192.0.2.10:5060." };
        var phoneEvent = new Argument<string>("EVENT")
        {
            Description = "A catalogue name (" + string.Join(", ", PhoneEvent.All.Select(e => e.Name)) + ") or any Event header value, e.g. 'check-sync;reboot=true'.",
        };
        var headers = HeaderOption();
        var command = new Command("notify", "Send a phone event NOTIFY (resync, reboot, report) through t_uac_dlg and print the phone's final reply" + SipNote + "\n" +
            "  opensips-mi notify sip:alice@192.0.2.10:5060 snom_reboot")
        {
            uri, phoneEvent, headers,
        };
        command.SetAction((parse, ct) =>
        {
            var name = parse.GetValue(phoneEvent)!;
            var chosen = PhoneEvent.All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)) is not null
                ? PhoneEvent.FromName(name)
                : PhoneEvent.Custom(name);
            var request = SipRequests.EventNotify(parse.GetValue(uri)!, chosen, ParseHeaders(parse.GetValue(headers)));
            return SendSipAsync(parse, globals, env, request, ct);
        });
        return command;
    }

    private static Command BuildMwiCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var uri = new Argument<string>("URI") { Description = "The request URI, usually the phone's contact." };
        var account = new Argument<string>("ACCOUNT") { Description = "The voicemail account (Message-Account), e.g. sip:*97@pbx.example.com." };
        var counts = globals.Validation.Check(
            new Argument<int[]>("NEW [OLD [URGENT_NEW [URGENT_OLD]]]")
            {
                Description = "Message counts: new (0 turns the lamp off), old, urgent new, urgent old.",
                Arity = new ArgumentArity(1, 4),
            },
            n => n?.Any(c => c < 0) == true ? "message counts must not be negative" : null);
        var headers = HeaderOption();
        var command = new Command("mwi", "Send a message-summary NOTIFY (voicemail lamp) through t_uac_dlg and print the phone's final reply" + SipNote + "\n" +
            "  opensips-mi mwi sip:alice@192.0.2.10:5060 sip:*97@pbx.example.com 2 5")
        {
            uri, account, counts, headers,
        };
        command.SetAction((parse, ct) =>
        {
            var n = parse.GetValue(counts) ?? [];
            int At(int i) => i < n.Length ? n[i] : 0;
            var request = SipRequests.MwiUpdate(parse.GetValue(uri)!, parse.GetValue(account)!, At(0), At(1), At(2), At(3), ParseHeaders(parse.GetValue(headers)));
            return SendSipAsync(parse, globals, env, request, ct);
        });
        return command;
    }

    private static Command BuildUacCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var method = new Argument<string>("METHOD") { Description = "The SIP method, e.g. OPTIONS, NOTIFY, MESSAGE." };
        var ruri = new Argument<string>("RURI") { Description = "The request URI." };
        var headers = HeaderOption();
        headers.Description = "A SIP header 'Name: value' (repeatable; From and To are required).";
        var body = new Option<string>("--body", "-b") { Description = "The body (give a Content-Type header; never Content-Length).", HelpName = "TEXT" };
        var nextHop = new Option<string>("--next-hop") { Description = "Send to this URI instead of the request URI's host, e.g. sip:192.0.2.1:5060.", HelpName = "URI" };
        var socket = new Option<string>("--socket") { Description = "The OpenSIPS socket to send from, e.g. udp:192.0.2.1:5060.", HelpName = "SOCKET" };
        var command = new Command("uac", "Send any SIP request through t_uac_dlg and print the final reply (status, reason, headers, body)" + SipNote + "\n" +
            "  opensips-mi uac OPTIONS sip:192.0.2.10 -H 'From: <sip:ping@example.com>' -H 'To: <sip:192.0.2.10>'")
        {
            method, ruri, headers, body, nextHop, socket,
        };
        command.SetAction((parse, ct) =>
        {
            var request = new UacDlgRequest(parse.GetValue(method)!, parse.GetValue(ruri)!, ParseHeaders(parse.GetValue(headers)))
            {
                Body = parse.GetValue(body),
                NextHop = parse.GetValue(nextHop),
                Socket = parse.GetValue(socket),
            };
            return SendSipAsync(parse, globals, env, request, ct);
        });
        return command;
    }

    /// <summary>Turns each <c>Name: value</c> into a header; the library refuses CR, LF, NUL and non-token names (exit 2).</summary>
    internal static SipHeaders ParseHeaders(IEnumerable<string>? lines)
    {
        var headers = new SipHeaders();
        foreach (var line in lines ?? [])
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new UsageException($"--header '{Printable(line)}' is not 'Name: value'");
            }

            headers.Add(line[..colon].TrimEnd(' ', '\t'), line[(colon + 1)..].TrimStart(' ', '\t'));
        }

        return headers;
    }

    private static string Printable(string text) =>
        text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);

    private static Task<int> SendSipAsync(ParseResult parse, GlobalSymbols globals, CliEnvironment env, UacDlgRequest request, CancellationToken ct)
    {
        // Everything is checked before anything is sent, on every target.
        request.Validate();
        var seconds = globals.Read(parse).TimeoutSeconds;
        var wait = new UacDlgOptions { Timeout = seconds is { } t ? TimeSpan.FromSeconds(t) : UacDlgOptions.DefaultTimeout };
        return WithTargetsAsync(parse, globals, env, async (targets, settings, format) =>
        {
            var outcomes = await Task.WhenAll(targets.Select(target => SendOneAsync(target, settings, request, wait, ct)));
            var exit = ResultPrinter.Print(outcomes, format, env, targets.Count > 1);
            if (targets.Count == 1 && outcomes[0] is { Result: not null, ExitCode: not ExitCodes.Success } refused)
            {
                await env.Error.WriteLineAsync(refused.ErrorLine);
            }

            return exit;
        }, ct);
    }

    private static async Task<TargetOutcome> SendOneAsync(string target, ConnectSettings settings, UacDlgRequest request, UacDlgOptions wait, CancellationToken ct)
    {
        try
        {
            await using var client = TargetRunner.Connect(target, settings);
            var reply = await client.UacDlgAsync(request, wait, ct);
            var (exit, failure) = reply switch
            {
                { IsSuccess: true } => (ExitCodes.Success, (string?)null),
                { HasReply: false } => (ExitCodes.Transport, $"SIP {reply.Status}: no final reply before OpenSIPS's tm fr_timeout (is the destination reachable?)"),
                _ => (ExitCodes.MiError, $"SIP {reply.Status}"),
            };
            return new TargetOutcome(target, ToJson(reply), null, failure, exit);
        }
        catch (Exception ex) when (TargetRunner.Describe(ex) is { } failure)
        {
            return ex is MiCommandException command
                ? new TargetOutcome(target, null, command.Error, null, ExitCodes.MiError)
                : new TargetOutcome(target, null, null, failure.Message, failure.ExitCode);
        }
    }

    /// <summary><c>{"status_code":200,"reason":"OK","headers":[{"name":"Via","value":"…"},…],"body":""}</c>.</summary>
    internal static JsonElement ToJson(UacResult reply)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("status_code", reply.StatusCode);
            writer.WriteString("reason", reply.ReasonPhrase);
            writer.WriteStartArray("headers");
            foreach (var header in reply.Headers)
            {
                writer.WriteStartObject();
                writer.WriteString("name", header.Name);
                writer.WriteString("value", header.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("body", reply.Body);
            writer.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(stream.ToArray());
        return doc.RootElement.Clone();
    }
}
