using PortWarden.Core.Alerts;

namespace PortWarden.Alerts.Channels;

/// <summary>Sends alert messages over one type of channel. A send that fails throws; the dispatcher retries it later.</summary>
public interface IAlertChannelSender
{
    string Type { get; }

    Task SendAsync(AlertChannel channel, AlertMessage message, Guid deliveryId, CancellationToken cancellationToken);
}

/// <summary>A channel refused or could not take a message; the message says what happened.</summary>
public sealed class AlertSendException(string message, Exception? inner = null) : Exception(message, inner);
