using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>SIP a test needs around its MI calls.</summary>
internal static class PhoneRequests
{
    /// <summary>Sends an OPTIONS from a fresh phone to a server and returns the status of the final reply (the default route answers 200).</summary>
    public static async Task<int> OptionsStatusAsync(OpenSipsServer server, CancellationToken cancellationToken)
    {
        await using var phone = new SipPhone("options");
        var request = phone.Request("OPTIONS", $"sip:{server.SipEndPoint}", $"options-{Guid.NewGuid():N}@127.0.0.1", 1, $"<{phone.Uri}>;tag=o1", $"<{phone.Uri}>");
        return (await phone.SendRequestAsync(server.SipEndPoint, request, cancellationToken)).StatusCode;
    }

    /// <summary>Waits on a phone for the request of one dialog (the fixture's phones also keep requests of earlier tests).</summary>
    public static async Task<SipMessage> NextAsync(this SipPhone phone, string method, string callId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{phone.Uri} received no {method} of {callId}");
            }

            var request = await phone.NextRequestAsync(left, method);
            if (request["Call-ID"] == callId)
            {
                return request;
            }
        }
    }
}
