using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenSips.Mi;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="MiClient"/> singletons, the default one and named (keyed) ones.</summary>
/// <example>
/// <code>
/// builder.Services.AddOpenSipsMi(builder.Configuration.GetSection("OpenSipsMi"));        // inject MiClient
/// builder.Services.AddOpenSipsMi("edge-1", o => o.Url = "udp://10.0.0.1:8809");          // inject [FromKeyedServices("edge-1")] MiClient
/// </code>
/// </example>
public static class OpenSipsMiServiceCollectionExtensions
{
    /// <summary>The prefix of the <c>IHttpClientFactory</c> client name used by mi_http and mi_xmlrpc_ng clients.</summary>
    public const string HttpClientNamePrefix = "OpenSips.Mi";

    /// <summary>
    /// The <c>IHttpClientFactory</c> name of the HTTP client behind an MI client, for adding handlers with
    /// <c>services.AddHttpClient(OpenSipsMiServiceCollectionExtensions.HttpClientName("edge-1")).AddHttpMessageHandler(…)</c>.
    /// </summary>
    /// <param name="name">The MI client's name; <see cref="Microsoft.Extensions.Options.Options.DefaultName"/> (empty) for the default client.</param>
    /// <returns><c>OpenSips.Mi</c> for the default client, <c>OpenSips.Mi:name</c> for a named one.</returns>
    public static string HttpClientName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length == 0 ? HttpClientNamePrefix : HttpClientNamePrefix + ":" + name;
    }

    /// <summary>Registers the default <see cref="MiClient"/> bound to a configuration section (see <see cref="OpenSipsMiOptions"/>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section, for example <c>configuration.GetSection("OpenSipsMi")</c>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddOpenSipsMi(this IServiceCollection services, IConfiguration configuration) =>
        services.AddOpenSipsMi(Options.Options.DefaultName, configuration);

    /// <summary>Registers the default <see cref="MiClient"/> configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets at least <see cref="OpenSipsMiOptions.Url"/>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddOpenSipsMi(this IServiceCollection services, Action<OpenSipsMiOptions> configure) =>
        services.AddOpenSipsMi(Options.Options.DefaultName, configure);

    /// <summary>
    /// Registers a named <see cref="MiClient"/> bound to a configuration section, resolved as a keyed service:
    /// <c>[FromKeyedServices("edge-1")] MiClient mi</c> or <c>provider.GetRequiredKeyedService&lt;MiClient&gt;("edge-1")</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name and service key; empty registers the default client.</param>
    /// <param name="configuration">The section.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddOpenSipsMi(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Register(services, name).Bind(configuration);
        return services;
    }

    /// <summary>Registers a named <see cref="MiClient"/> configured in code, resolved as a keyed service.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name and service key; empty registers the default client.</param>
    /// <param name="configure">Sets at least <see cref="OpenSipsMiOptions.Url"/>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddOpenSipsMi(this IServiceCollection services, string name, Action<OpenSipsMiOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Register(services, name).Configure(configure);
        return services;
    }

    private static OptionsBuilder<OpenSipsMiOptions> Register(IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);

        var builder = services.AddOptions<OpenSipsMiOptions>(name);
        if (services.Any(d => d.ServiceType == typeof(ClientMarker) && Equals(d.ServiceKey, name)))
        {
            // A second call for the same name adds configuration; the client is registered once.
            return builder;
        }

        services.AddKeyedSingleton<ClientMarker>(name, new ClientMarker());
        services.AddSingleton<IValidateOptions<OpenSipsMiOptions>>(new OpenSipsMiOptionsValidator(name));
        builder.ValidateOnStart();

        // The factory's request logging is removed: the MI client logs every call itself, and that logging's structured
        // state carries raw header values, the basic-auth Authorization header included (only its message is redacted).
        services.AddHttpClient(HttpClientName(name))
            .RemoveAllLoggers()
            .ConfigureHttpClient(client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => CreatePrimaryHandler(provider, name));

        services.AddKeyedSingleton<MiClient>(name, (provider, _) => CreateClient(provider, name));
        if (name.Length == 0)
        {
            services.TryAddSingleton(provider => provider.GetRequiredKeyedService<MiClient>(Options.Options.DefaultName));
        }

        return builder;
    }

    private static SocketsHttpHandler CreatePrimaryHandler(IServiceProvider provider, string name)
    {
        var options = provider.GetRequiredService<IOptionsMonitor<OpenSipsMiOptions>>().Get(name).ToConnectionOptions();
        return options is HttpOptions http ? http.CreateDefaultHandler() : new SocketsHttpHandler();
    }

    private static MiClient CreateClient(IServiceProvider provider, string name)
    {
        var settings = provider.GetRequiredService<IOptionsMonitor<OpenSipsMiOptions>>().Get(name);
        var options = settings.ToConnectionOptions() with { LoggerFactory = provider.GetService<ILoggerFactory>() };
        if (options is HttpOptions http && http.HttpClient is null && http.HttpMessageHandler is null)
        {
            options = http with { HttpClient = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName(name)) };
        }

        return MiClient.Connect(options);
    }

    /// <summary>Remembers which names are registered, so that a second call for a name only adds configuration.</summary>
    private sealed class ClientMarker;
}
