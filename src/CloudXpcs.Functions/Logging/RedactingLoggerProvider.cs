using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudXpcs.Functions.Logging;

/// <summary>
/// Wraps a logger provider so that every message reaches it redacted (<see cref="SecretRedactor"/>). The message is
/// formatted first and passed on as plain text: structured values and exception texts could hold a connection string
/// too, so the exception is appended to the message (redacted) rather than passed on as an object.
/// </summary>
public sealed class RedactingLoggerProvider(ILoggerProvider inner) : ILoggerProvider, ISupportExternalScope
{
    public ILoggerProvider Inner => inner;

    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    /// <summary>Scopes (the worker's invocation scope among them) still reach the inner provider.</summary>
    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped) scoped.SetScopeProvider(scopeProvider);
    }

    public void Dispose() => inner.Dispose();

    /// <summary>Replaces every registered <see cref="ILoggerProvider"/> with a redacting wrapper of itself; call after all providers are added.</summary>
    public static void WrapAll(IServiceCollection services)
    {
        for (int i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(ILoggerProvider) || descriptor.IsKeyedService) continue;
            services[i] = ServiceDescriptor.Describe(typeof(ILoggerProvider), sp => new RedactingLoggerProvider(Create(descriptor, sp)), descriptor.Lifetime);
        }
    }

    private static ILoggerProvider Create(ServiceDescriptor descriptor, IServiceProvider services) => (ILoggerProvider)(
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel)) return;
            string message = formatter(state, exception);
            if (exception is not null) message += Environment.NewLine + exception;
            inner.Log(logLevel, eventId, SecretRedactor.Redact(message), null, static (text, _) => text);
        }
    }
}
