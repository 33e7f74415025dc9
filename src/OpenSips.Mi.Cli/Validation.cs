using System.CommandLine;
using System.CommandLine.Parsing;

namespace OpenSips.Mi.Cli;

/// <summary>
/// Range and format checks as System.CommandLine validators: they run while parsing, before any action, and their
/// messages are recorded so <see cref="Cli.RunAsync(string[], Hosting.CliEnvironment, CancellationToken)"/> prints them exactly as a
/// <see cref="UsageException"/> would (one line, exit code 2).
/// </summary>
internal sealed class Validation
{
    private readonly HashSet<string> _messages = new(StringComparer.Ordinal);

    /// <summary>True when every error is one of this run's validator messages (printed without the generic usage hint).</summary>
    public bool AreOurs(IEnumerable<ParseError> errors) => errors.All(e => _messages.Contains(e.Message));

    /// <summary>Adds a check of the option's value (run only when the option is given).</summary>
    public Option<T> Check<T>(Option<T> option, Func<T, string?> error)
    {
        option.Validators.Add(result =>
        {
            if (result.Implicit)
            {
                return;
            }

            Report(result, error(result.GetValueOrDefault<T>()));
        });
        return option;
    }

    /// <summary>Adds a check of the argument's value.</summary>
    public Argument<T> Check<T>(Argument<T> argument, Func<T, string?> error)
    {
        argument.Validators.Add(result => Report(result, error(result.GetValueOrDefault<T>())));
        return argument;
    }

    /// <summary>Seconds between 0.05 and 3600 (live views, bench duration).</summary>
    public Option<T> Seconds<T>(Option<T> option) => Check(option, value => value is double s && !(double.IsFinite(s) && s >= 0.05 && s <= 3600)
        ? $"{option.Name} must be between 0.05 and 3600 seconds"
        : null);

    /// <summary>A count of at least 1.</summary>
    public Option<int?> AtLeastOne(Option<int?> option) => Check(option, value => value is <= 0 ? $"{option.Name} must be at least 1" : null);

    private void Report(SymbolResult result, string? message)
    {
        if (message is null)
        {
            return;
        }

        lock (_messages)
        {
            _messages.Add(message);
        }

        result.AddError(message);
    }
}
