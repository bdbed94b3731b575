using PortWarden.Core.Alerts;
using PortWarden.Core.Tracking;

namespace PortWarden.Storage;

/// <summary>How both stores read back alert rules (kept as <see cref="AlertRuleDocument.Definition"/>) and delivery states.</summary>
internal static class StoredAlerts
{
    public static AlertRule Rule(long id, string definition, DateTimeOffset createdAt) =>
        AlertRuleDocument.Deserialize(definition) with { Id = id, CreatedAt = createdAt };

    public static DeliveryStatus Status(string text) =>
        DeliveryStatusNames.TryParse(text, out var status) ? status : throw new StoreException($"unknown alert delivery status '{text}'");

    public static StoreException DuplicateName(string name, Exception inner) => new($"an alert rule named '{name}' exists already", inner);
}
