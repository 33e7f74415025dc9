using System.CommandLine;
using System.Globalization;
using System.Net;
using OpenSips.Mi.Cli.Hosting;
using OpenSips.Mi.Cli.Output;
using OpenSips.Mi.Trace;

namespace OpenSips.Mi.Cli;

/// <summary>
/// <c>trace</c>: live SIP capture through OpenSIPS's tracer module. Starts a dynamic trace (<c>trace_start</c>) towards a
/// HEP3 listener of the tool, prints each SIP message as it arrives (one line, the whole message with <c>-v</c>, or one
/// JSON object with <c>-o json</c>), optionally writes a pcap file, and sends <c>trace_stop</c> on Ctrl+C or after
/// <c>--count</c> messages. Status, drops and errors go to stderr.
/// </summary>
internal static partial class Cli
{
    private static Command BuildTraceCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var caller = new Option<string>("--caller") { Description = "Only calls from this user: alice, alice@example.com or a SIP URI (the From URI's user[@host] is compared).", HelpName = "URI" };
        var callee = new Option<string>("--callee") { Description = "Only calls to this user (the Request-URI's user[@host]).", HelpName = "URI" };
        var ip = new Option<string>("--ip") { Description = "Only requests OpenSIPS received from this IPv4 address.", HelpName = "IP" };
        var scope = new Option<string>("--scope")
        {
            Description = "transaction (default: each matching request with its replies), message (the request alone) or dialog (OpenSIPS's default: only calls an initial INVITE starts).",
            HelpName = "message|transaction|dialog",
        };
        scope.AcceptOnlyFromAmong("message", "transaction", "dialog");
        var listen = new Option<string>("--listen", "-l") { Description = "Where HEP arrives: udp://127.0.0.1:0 (default) or tcp://127.0.0.1:0 (needs socket=hep_tcp:… in OpenSIPS). Port 0 picks a free port.", HelpName = "URI" };
        var advertise = new Option<string>("--advertise") { Description = "The address OpenSIPS should send HEP to when it differs from the bound one (NAT, containers, binding 0.0.0.0).", HelpName = "HOST[:PORT]" };
        var count = new Option<int?>("--count", "-n") { Description = "Stop after N messages (default: until Ctrl+C).", HelpName = "N" };
        var pcap = new Option<string>("--pcap") { Description = "Also write every message to FILE as pcap (IP and UDP/TCP headers from the HEP addresses), flushed as it goes; Wireshark and tshark read it.", HelpName = "FILE" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print each whole message under its line." };
        var buffer = new Option<int?>("--buffer") { Description = "Messages kept while the terminal catches up (default 10000); beyond that the oldest are dropped and reported.", HelpName = "N" };
        var extra = new Argument<string[]>("ARG") { Arity = ArgumentArity.ZeroOrMore, Hidden = true };
        var command = new Command(
            "trace",
            "Watch SIP live through OpenSIPS's tracer module (trace_start to a HEP listener of this tool) until Ctrl+C or --count N; trace_stop on exit.\n" +
            "OpenSIPS needs loadmodule \"proto_hep.so\" with a socket=hep_udp:… (or hep_tcp:…) listener and loadmodule \"tracer.so\".\n" +
            "  opensips-mi -u udp://127.0.0.1:8809 trace --caller alice\n" +
            "  opensips-mi trace -o json --count 10 | jq .start_line\n" +
            "  opensips-mi trace --pcap calls.pcap\n" +
            "The MI command trace itself (list destinations, trace mode=off) is 'opensips-mi -- trace ARG...'.")
        {
            caller, callee, ip, scope, listen, advertise, count, pcap, verbose, buffer, extra,
        };
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(extra) is { Length: > 0 } args)
            {
                throw new UsageException($"trace takes no argument '{args[0]}': to run the MI command trace, use 'opensips-mi -- trace {string.Join(' ', args)}'");
            }

            var limit = parse.GetValue(count);
            if (limit is <= 0)
            {
                throw new UsageException("--count must be at least 1");
            }

            var options = new MiTraceOptions
            {
                Listen = parse.GetValue(listen) ?? MiTraceOptions.Default.Listen,
                Caller = parse.GetValue(caller),
                Callee = parse.GetValue(callee),
                Scope = parse.GetValue(scope) switch
                {
                    "message" => MiTraceScope.Message,
                    "dialog" => MiTraceScope.Dialog,
                    _ => MiTraceScope.Transaction,
                },
                Capacity = parse.GetValue(buffer) is { } size ? (size >= 1 ? size : throw new UsageException("--buffer must be at least 1")) : 10_000,
            };
            if (parse.GetValue(ip) is { } address)
            {
                options = options with
                {
                    SourceIp = IPAddress.TryParse(address, out var parsed) && parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                        ? parsed
                        : throw new UsageException($"--ip '{address}' is not an IPv4 address"),
                };
            }

            if (parse.GetValue(advertise) is { } given)
            {
                var (host, port) = ParseHostPort(given);
                options = options with { AdvertisedHost = host, AdvertisedPort = port };
            }

            options.Validate();
            var settings = new TraceSettings(options, limit, parse.GetValue(pcap), parse.GetValue(verbose));
            return WithTargetsAsync(parse, globals, env, async (targets, connect, format) =>
            {
                if (targets.Count > 1)
                {
                    throw new UsageException("trace follows one server: give a single --url");
                }

                return await FollowTraceAsync(env, targets[0], connect, settings, format, ct);
            }, ct);
        });
        return command;
    }

    private static async Task<int> FollowTraceAsync(CliEnvironment env, string target, ConnectSettings connect, TraceSettings settings, OutputFormat format, CancellationToken ct)
    {
        await using var pcap = settings.PcapPath is { } path ? await OpenPcapAsync(path, ct) : null;
        await using var client = TargetRunner.Connect(target, connect);
        MiTraceSubscription trace;
        try
        {
            trace = await client.TraceAsync(settings.Options, ct);
        }
        catch (MiCommandException refused)
        {
            await env.Error.WriteLineAsync(TraceRefusal(refused.Error));
            return ExitCodes.MiError;
        }

        await using (trace)
        {
            Status(env, TraceBanner(trace, settings.PcapPath));
            var shown = 0;
            long reportedDrops = 0;
            var colors = new Dictionary<string, string>(StringComparer.Ordinal);
            var json = format == OutputFormat.Json;
            try
            {
                await foreach (var first in trace.ReadAllAsync(ct))
                {
                    // Write what is buffered, then flush once: a busy server is printed in batches.
                    var message = first;
                    do
                    {
                        var color = env.Colors && !json ? TraceView.ColorOf(message.CallId, colors) : null;
                        await env.Out.WriteLineAsync(json ? TraceView.Json(message) : settings.Verbose ? TraceView.Verbose(message, color) : TraceView.Line(message, color));
                        if (pcap is not null)
                        {
                            await pcap.WriteAsync(message, ct);
                        }

                        shown++;
                    }
                    while ((settings.Limit is null || shown < settings.Limit) && trace.TryRead(out message));

                    await env.Out.FlushAsync(ct);
                    if (trace.DroppedCount > reportedDrops)
                    {
                        reportedDrops = trace.DroppedCount;
                        Status(env, string.Create(CultureInfo.InvariantCulture, $"trace: {reportedDrops} messages dropped so far (the output could not keep up; the oldest waiting ones go first)"));
                    }

                    if (settings.Limit is { } n && shown >= n)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C is the normal way to stop: trace_stop (dispose) and exit 0.
            }

            Status(env, string.Create(
                CultureInfo.InvariantCulture,
                $"trace {trace.Id} stopped: {shown} messages shown, {trace.DroppedCount} dropped, {trace.MalformedCount} malformed, {trace.RejectedCount} from other senders ignored"));
        }

        return ExitCodes.Success;
    }

    /// <summary>Options and switches of one <c>trace</c> run.</summary>
    private sealed record TraceSettings(MiTraceOptions Options, int? Limit, string? PcapPath, bool Verbose);

    private static async Task<PcapWriter> OpenPcapAsync(string path, CancellationToken ct)
    {
        try
        {
            return await PcapWriter.CreateAsync(path, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--pcap: cannot write '{path}': {ex.Message}");
        }
    }

    private static string TraceBanner(MiTraceSubscription trace, string? pcap)
    {
        var filters = trace.Filters.Count == 0 ? "every request" : string.Join(' ', trace.Filters);
        var scope = trace.Scope.ToString().ToLowerInvariant();
        var banner = $"tracing {filters} (scope {scope}) as trace id {trace.Id}, HEP to {trace.Uri}";
        if (trace.Transport == MiTraceTransport.Tcp)
        {
            banner += "\n  (HEP over TCP arrives only if OpenSIPS has a socket=hep_tcp:… listener; messages may arrive on several connections, slightly out of order)";
        }

        return banner + (pcap is null ? string.Empty : $"; writing {pcap}") + "; Ctrl+C stops";
    }

    /// <summary>The MI error of a refused <c>trace_start</c> and what it usually means.</summary>
    internal static string TraceRefusal(MiError error)
    {
        var line = new TargetOutcome(string.Empty, null, error, null, ExitCodes.MiError).ErrorLine!;
        var hint = (error.Code, error.Message) switch
        {
            (-32601, _) => "OpenSIPS has no trace_start: the tracer module is not loaded (loadmodule \"tracer.so\", with proto_hep)",
            (500, "No transport protocol") => "the proto_hep module is not loaded (loadmodule \"proto_hep.so\" and a socket=hep_udp:IP:PORT listener)",
            (-32602, _) => "this OpenSIPS's trace_start takes other parameters than 3.x/4.0's id, uri, filter, scope, type",
            _ => null,
        };
        return hint is null ? "trace_start refused: " + line : $"trace_start refused: {line}: {hint}";
    }

    private static void Status(CliEnvironment env, string text)
    {
        lock (env.Error)
        {
            env.Error.WriteLine(text);
            env.Error.Flush();
        }
    }
}
