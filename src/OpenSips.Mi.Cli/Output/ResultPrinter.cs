using System.Text;
using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OpenSips.Mi.Cli.Output;

/// <summary>Writes outcomes in the chosen format: results to stdout, errors to stderr; several targets grouped per target.</summary>
internal static class ResultPrinter
{
    public static IAnsiConsole CreateConsole(TextWriter writer, bool colors, int width, bool ansi = false)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = colors || ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = colors ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        return console;
    }

    /// <summary>Prints the outcomes and returns the worst exit code.</summary>
    public static int Print(IReadOnlyList<TargetOutcome> outcomes, OutputFormat format, CliEnvironment env, bool grouped)
    {
        var console = CreateConsole(env.Out, env.Colors && format != OutputFormat.Json, env.Width);
        if (!grouped)
        {
            var only = outcomes[0];
            if (only.Result is { } result)
            {
                WriteResult(console, env.Out, result, format);
            }
            else
            {
                env.Error.WriteLine(only.ErrorLine);
            }

            return only.ExitCode;
        }

        if (format == OutputFormat.Json)
        {
            env.Out.WriteLine(GroupedJson(outcomes));
        }
        else
        {
            foreach (var outcome in outcomes)
            {
                var status = outcome.ExitCode switch
                {
                    ExitCodes.Success => string.Empty,
                    ExitCodes.MiError when outcome.Error is { } error => $" [red](error {error.Code})[/]",
                    _ => " [red](failed)[/]",
                };
                console.Write(new Rule($"[bold]{Markup.Escape(outcome.Target)}[/]{status}").LeftJustified());
                if (outcome.Result is { } result)
                {
                    WriteResult(console, env.Out, result, format);
                }
            }
        }

        foreach (var outcome in outcomes.Where(o => o.ExitCode != ExitCodes.Success))
        {
            env.Error.WriteLine($"{outcome.Target}: {outcome.ErrorLine}");
        }

        return outcomes.Max(o => o.ExitCode);
    }

    public static void WriteResult(IAnsiConsole console, TextWriter output, JsonElement result, OutputFormat format)
    {
        switch (format)
        {
            case OutputFormat.Json:
                output.WriteLine(JsonText.Compact(result));
                break;
            case OutputFormat.Table when TableBuilder.TryBuild(result) is { } table:
                console.Write(table);
                break;
            default:
                WriteRenderable(console, new Markup(JsonText.PrettyMarkup(result)));
                console.WriteLine();
                break;
        }
    }

    private static void WriteRenderable(IAnsiConsole console, IRenderable renderable) => console.Write(renderable);

    /// <summary><c>{"udp://a":RESULT,"udp://b":{"error":{"code":404,"message":"…","data":…}},"udp://c":{"error":{"message":"…"}}}</c>.</summary>
    public static string GroupedJson(IReadOnlyList<TargetOutcome> outcomes)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var outcome in outcomes)
            {
                writer.WritePropertyName(outcome.Target);
                if (outcome.Result is { } result)
                {
                    result.WriteTo(writer);
                    continue;
                }

                writer.WriteStartObject();
                writer.WritePropertyName("error");
                writer.WriteStartObject();
                if (outcome.Error is { } error)
                {
                    writer.WriteNumber("code", error.Code);
                    writer.WriteString("message", error.Message);
                    if (error.Data is { } data)
                    {
                        writer.WritePropertyName("data");
                        data.WriteTo(writer);
                    }
                }
                else
                {
                    writer.WriteString("message", outcome.Failure);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
