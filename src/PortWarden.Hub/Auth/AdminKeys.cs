namespace PortWarden.Hub.Auth;

/// <summary>
/// Makes sure the hub can be administered: a key given by the operator is registered (hashed); when no key
/// exists at all, one is made and written to admin.key in the data directory, readable by its owner only.
/// </summary>
public static class AdminKeys
{
    /// <summary>Returns the path of a newly written key file, or null when a key existed or was given.</summary>
    public static async Task<string?> EnsureAsync(Core.Tracking.IPortWardenStore store, HubOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (options.AdminKey is { } given)
        {
            if (!given.StartsWith(Secrets.AdminKeyPrefix, StringComparison.Ordinal) || given.Length < Secrets.AdminKeyPrefix.Length + 20)
            {
                throw new FormatException($"an admin key starts with '{Secrets.AdminKeyPrefix}' and has at least 20 more characters");
            }

            if (!await store.IsApiKeyAsync(Secrets.Hash(given), cancellationToken).ConfigureAwait(false))
            {
                await store.AddApiKeyAsync("configured", Secrets.Hash(given), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        if (await store.CountApiKeysAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            return null;
        }

        var key = Secrets.NewAdminKey();
        Directory.CreateDirectory(options.DataDirectory);
        var path = Path.Combine(options.DataDirectory, "admin.key");
        await File.WriteAllTextAsync(path, key + "\n", cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await store.AddApiKeyAsync("generated", Secrets.Hash(key), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return path;
    }
}
