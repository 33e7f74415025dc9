using Microsoft.Extensions.Options;

namespace OpenSips.Mi;

/// <summary>
/// Validates <see cref="OpenSipsMiOptions"/> at start-up with the library's own checks
/// (<see cref="MiConnectionOptions.Parse(string)"/> and <see cref="MiConnectionOptions.Validate"/>), so the messages are the ones
/// <see cref="MiClient.Connect(MiConnectionOptions)"/> would give, prefixed with the client's name.
/// </summary>
internal sealed class OpenSipsMiOptionsValidator : IValidateOptions<OpenSipsMiOptions>
{
    private readonly string _name;

    public OpenSipsMiOptionsValidator(string name)
    {
        _name = name;
    }

    public ValidateOptionsResult Validate(string? name, OpenSipsMiOptions options)
    {
        if (!string.Equals(name ?? Options.DefaultName, _name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        try
        {
            options.ToConnectionOptions().Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"OpenSips.Mi client {Describe(_name)}: {ex.Message}");
        }
    }

    internal static string Describe(string name) => name.Length == 0 ? "(default)" : $"'{name}'";
}
