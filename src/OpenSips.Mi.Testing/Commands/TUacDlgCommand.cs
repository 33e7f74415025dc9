namespace OpenSips.Mi.Testing;

/// <summary>
/// tm's t_uac_dlg: validated like OpenSIPS, then answered asynchronously by <see cref="MiEmulator.UacResponder"/>,
/// or with <c>408 Request Timeout</c> after <see cref="MiEmulatorOptions.UacTimeout"/> (what OpenSIPS answers when nobody replies).
/// </summary>
internal static class TUacDlgCommand
{
    public static void Register(BuiltinContext ctx, Func<MiUacResponder?> responder)
    {
        ctx.Async("t_uac_dlg", async (r, ct) =>
        {
            var error = UacValidator.Validate(r, ctx.State.SipSockets, out var uac);
            if (error is not null)
            {
                return error;
            }

            ctx.State.Statistics.Increment("tm:UAC_transactions");
            var custom = responder();
            if (custom is not null)
            {
                return await custom(uac!, ct).ConfigureAwait(false);
            }

            await Task.Delay(ctx.Options.UacTimeout, ctx.Time, ct).ConfigureAwait(false);
            return MiUac.Final("408 Request Timeout");
        });
    }
}
