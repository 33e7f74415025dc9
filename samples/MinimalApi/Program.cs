// An ASP.NET Core minimal API in front of OpenSIPS MI.
//   dotnet run --project samples/MinimalApi                  -> OpenSipsMi:Url from appsettings.json
//   dotnet run --project samples/MinimalApi -- --emulated    -> an in-process MiEmulator whose phones answer 200 OK
//   curl http://127.0.0.1:5080/health
//   curl -X POST 'http://127.0.0.1:5080/phones/sip%3Aalice%40127.0.0.1%3A5060/check-sync?reboot=true'
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenSips.Mi;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Testing;

var emulated = args.Contains("--emulated");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--emulated").ToArray());

await using var emulator = emulated ? await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false }) : null;
if (emulator is not null)
{
    // The emulated phone accepts every NOTIFY.
    emulator.UacResponder = (request, _) => Task.FromResult(MiUac.Final("200 OK", MiUac.ReplyMessage(request)));
    builder.Configuration["OpenSipsMi:Url"] = emulator.HttpUriString;
}

builder.Services.AddOpenSipsMi(builder.Configuration.GetSection("OpenSipsMi"));
builder.Services.AddHealthChecks().AddOpenSipsMi(degradedAfter: TimeSpan.FromMilliseconds(500));

var app = builder.Build();

app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });

// Asks a phone to re-read its configuration (NOTIFY Event: check-sync), through OpenSIPS's t_uac_dlg.
app.MapPost("/phones/{uri}/check-sync", async (string uri, bool? reboot, MiClient mi, CancellationToken cancellationToken) =>
{
    try
    {
        var phoneEvent = reboot == true ? PhoneEvent.SnomReboot : PhoneEvent.Custom("check-sync");
        var result = await mi.EventNotifyAsync(uri, phoneEvent, cancellationToken: cancellationToken);
        return Results.Json(new CheckSyncResult(uri, result.StatusCode, result.ReasonPhrase), statusCode: result.IsSuccess ? 200 : 502);
    }
    catch (ArgumentException ex)
    {
        return Results.Problem(ex.Message, statusCode: 400);
    }
    catch (MiTimeoutException ex)
    {
        return Results.Problem(ex.Message, statusCode: 504);
    }
    catch (MiException ex)
    {
        return Results.Problem(ex.Message, statusCode: 502);
    }
});

app.Run();

static Task WriteHealthAsync(HttpContext context, HealthReport report)
{
    context.Response.ContentType = "application/json";
    var entries = report.Entries.ToDictionary(e => e.Key, e => new HealthEntry(e.Value.Status.ToString(), e.Value.Description));
    return context.Response.WriteAsync(JsonSerializer.Serialize(new HealthBody(report.Status.ToString(), entries), JsonSerializerOptions.Web));
}

internal sealed record CheckSyncResult(string Uri, int Status, string Reason);

internal sealed record HealthEntry(string Status, string? Description);

internal sealed record HealthBody(string Status, Dictionary<string, HealthEntry> Checks);
