using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>Waits on a phone for the request of one dialog (the fixture's phones also keep requests of earlier tests).</summary>
internal static class PhoneRequests
{
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
