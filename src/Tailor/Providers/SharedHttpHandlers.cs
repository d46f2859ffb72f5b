using System.Collections.Concurrent;
using System.Net;

namespace Tailor.Providers;

/// <summary>
/// One pooled <see cref="SocketsHttpHandler"/> per connect timeout, shared by every provider client in the process
/// so connections are reused and sockets are not exhausted. Never disposed: they live as long as the process.
/// </summary>
internal static class SharedHttpHandlers
{
    private static readonly ConcurrentDictionary<TimeSpan, SocketsHttpHandler> Handlers = new();

    public static HttpMessageHandler ForConnectTimeout(TimeSpan connectTimeout) =>
        Handlers.GetOrAdd(connectTimeout, static timeout => new SocketsHttpHandler
        {
            ConnectTimeout = timeout,
            // Re-resolve DNS now and then; a long-lived process must follow a vendor's endpoint moving.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
        });
}
