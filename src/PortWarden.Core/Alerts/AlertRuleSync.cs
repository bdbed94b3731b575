namespace PortWarden.Core.Alerts;

/// <summary>What applying a set of configured rules to a store did.</summary>
public sealed record AlertRuleSyncResult(int Created, int Updated, int Unchanged);

/// <summary>
/// Makes the store hold the given rules, matched by name: a missing rule is created, a rule whose definition differs
/// is replaced (keeping its id, so its deliveries stay linked), an equal one is left alone. Rules the set does not name
/// are not touched: those made through the API or the command line stay.
/// </summary>
public static class AlertRuleSync
{
    public static async Task<AlertRuleSyncResult> ApplyAsync(IAlertStore store, IReadOnlyList<AlertRule> rules, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rules);
        int created = 0, updated = 0, unchanged = 0;
        foreach (var rule in rules)
        {
            var existing = await store.FindAlertRuleAsync(rule.Name, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                await store.AddAlertRuleAsync(rule with { Id = 0, CreatedAt = now }, cancellationToken).ConfigureAwait(false);
                created++;
            }
            else if (AlertRuleDocument.Definition(existing) != AlertRuleDocument.Definition(rule))
            {
                await store.UpdateAlertRuleAsync(rule with { Id = existing.Id, CreatedAt = existing.CreatedAt }, cancellationToken).ConfigureAwait(false);
                updated++;
            }
            else
            {
                unchanged++;
            }
        }

        return new AlertRuleSyncResult(created, updated, unchanged);
    }
}
