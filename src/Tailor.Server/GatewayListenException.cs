using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Tailor.Server;

/// <summary>
/// The gateway cannot listen on the address it was given: not a URL Kestrel can serve, a port out of range, an
/// address in use or not on this machine, HTTPS without a certificate. The message names the address and the reason.
/// </summary>
public sealed class GatewayListenException : Exception
{
    public GatewayListenException(string url, string reason, Exception? innerException = null)
        : base($"cannot listen on '{url}': {reason}", innerException)
    {
        Url = url;
    }

    public GatewayListenException() : this("", "unknown reason") { }

    public GatewayListenException(string message) : base(message) => Url = "";

    public GatewayListenException(string message, Exception innerException) : base(message, innerException) => Url = "";

    /// <summary>The address as given.</summary>
    public string Url { get; }

    /// <summary>Checks the address's form before anything is started: a URL Kestrel can bind, with a port in range.</summary>
    internal static void ThrowIfNotListenable(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException e)
        {
            throw new GatewayListenException(url, "not a URL to listen on (e.g. http://127.0.0.1:8080)", e);
        }

        if (address.Scheme is not ("http" or "https"))
        {
            throw new GatewayListenException(url, $"the scheme must be http or https, not '{address.Scheme}'");
        }

        if (address.Port is < 0 or > 65535)
        {
            throw new GatewayListenException(url, $"port {address.Port} is out of range (0-65535; 0 picks a free one)");
        }
    }

    /// <summary>The failure to listen behind an exception from starting the web host, or null when it is something else.</summary>
    internal static GatewayListenException? From(string url, Exception e) => e switch
    {
        // Kestrel reports a port in use as an IOException around its AddressInUseException.
        IOException { InnerException: AddressInUseException } =>
            new GatewayListenException(url, "the address is already in use (is another gateway running there?)", e),
        IOException or SocketException => new GatewayListenException(url, e.Message, e),
        // Thrown by Kestrel's own address set-up: HTTPS without a certificate, an address it cannot use.
        InvalidOperationException when e.TargetSite?.DeclaringType?.Assembly.GetName().Name?.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) == true =>
            new GatewayListenException(url, e.Message, e),
        _ => null,
    };
}
