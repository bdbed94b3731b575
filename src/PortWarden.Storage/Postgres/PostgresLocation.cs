using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using PortWarden.Core.Tracking;

namespace PortWarden.Storage.Postgres;

/// <summary>
/// A PostgreSQL database named by a --db value: a URL (<c>postgres://user:password@host:port/database?sslmode=require</c>)
/// or an Npgsql connection string (<c>Host=db;Username=portwarden;Password=...;Database=portwarden</c>).
/// <see cref="Display"/> names it in messages without the password.
/// </summary>
public sealed partial class PostgresLocation
{
    private const int DefaultPort = 5432;

    private static readonly string[] Schemes = ["postgres://", "postgresql://"];

    private PostgresLocation(NpgsqlConnectionStringBuilder settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Host))
        {
            throw new StoreException("the PostgreSQL connection string names no server (Host=...)");
        }

        if (string.IsNullOrEmpty(settings.ApplicationName))
        {
            settings.ApplicationName = "portwarden";
        }

        Password = settings.Password;
        ConnectionString = settings.ConnectionString;
        var user = string.IsNullOrEmpty(settings.Username) ? "" : Uri.EscapeDataString(settings.Username) + "@";
        var host = settings.Host.Contains(':', StringComparison.Ordinal) && !settings.Host.Contains(',', StringComparison.Ordinal)
            ? $"[{settings.Host}]"
            : settings.Host;
        Display = string.Create(CultureInfo.InvariantCulture, $"postgres://{user}{host}:{settings.Port}/{settings.Database ?? ""}");
    }

    /// <summary>The Npgsql connection string (with the password: never print it).</summary>
    internal string ConnectionString { get; }

    /// <summary>postgres://user@host:port/database, for messages.</summary>
    public string Display { get; }

    private string? Password { get; }

    /// <summary>True when the value names a PostgreSQL database rather than a SQLite file.</summary>
    public static bool Matches(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Schemes.Any(scheme => value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) || ConnectionStringHost().IsMatch(value);
    }

    /// <summary>Reads a URL or connection string; a malformed one is a <see cref="StoreException"/> that does not repeat the password.</summary>
    public static PostgresLocation Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var scheme = Schemes.FirstOrDefault(s => value.StartsWith(s, StringComparison.OrdinalIgnoreCase));
        if (scheme is not null)
        {
            return new PostgresLocation(FromUrl(value, scheme));
        }

        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(value);
        }
        catch (Exception error) when (error is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            var password = PasswordSetting().Match(value) is { Success: true } match ? match.Groups[1].Value.Trim() : null;
            throw new StoreException($"invalid PostgreSQL connection string: {Redact(error.Message, password)}");
        }

        return new PostgresLocation(settings);
    }

    /// <summary>Why the server refused or could not be reached, without the password even if a message repeated it.</summary>
    internal string Explain(Exception error)
    {
        var reasons = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            var reason = e is PostgresException postgres ? $"{postgres.MessageText} (SQLSTATE {postgres.SqlState})" : e.Message;
            if (!reasons.Any(r => r.Contains(reason, StringComparison.Ordinal)))
            {
                reasons.Add(reason);
            }
        }

        return Redact(string.Join(": ", reasons), Password);
    }

    private static string Redact(string message, string? password) =>
        string.IsNullOrEmpty(password) ? message : message.Replace(password, "***", StringComparison.Ordinal);

    private static NpgsqlConnectionStringBuilder FromUrl(string url, string scheme)
    {
        var rest = url[scheme.Length..];

        // The last '@' ends the user information, so a password with an unescaped '@' still parses and never shows.
        var at = rest.LastIndexOf('@');
        var settings = new NpgsqlConnectionStringBuilder();
        var shown = url;
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            var user = colon < 0 ? userInfo : userInfo[..colon];
            settings.Username = Decode(user);
            if (colon >= 0)
            {
                settings.Password = Decode(userInfo[(colon + 1)..]);
            }

            shown = $"{scheme}{user}{(colon >= 0 ? ":***" : "")}@{rest}";
        }

        StoreException Invalid(string why) => new($"invalid PostgreSQL URL '{shown}': {why}");

        var question = rest.IndexOf('?', StringComparison.Ordinal);
        var query = question < 0 ? "" : rest[(question + 1)..];
        rest = question < 0 ? rest : rest[..question];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var server = slash < 0 ? rest : rest[..slash];
        if (slash >= 0 && rest.Length > slash + 1)
        {
            settings.Database = Decode(rest[(slash + 1)..]);
        }

        SetServer(settings, server, Invalid);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            SetParameter(settings, name, value, Invalid);
        }

        return settings;
    }

    private static void SetServer(NpgsqlConnectionStringBuilder settings, string server, Func<string, StoreException> invalid)
    {
        if (server.Length == 0)
        {
            throw invalid("no server: expected postgres://user:password@host:port/database");
        }

        if (server.Contains(',', StringComparison.Ordinal))
        {
            // Several servers (failover): Npgsql takes host:port pairs as they are.
            settings.Host = Decode(server);
            return;
        }

        string host;
        string? port = null;
        if (server.StartsWith('['))
        {
            var close = server.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw invalid($"unclosed '[' in the server '{server}'");
            }

            host = server[1..close];
            var after = server[(close + 1)..];
            if (after.Length > 0)
            {
                port = after.StartsWith(':') ? after[1..] : throw invalid($"unexpected '{after}' after the server address");
            }
        }
        else
        {
            var colon = server.LastIndexOf(':');
            host = colon < 0 ? server : server[..colon];
            port = colon < 0 ? null : server[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw invalid("no server name");
        }

        settings.Host = Decode(host);
        settings.Port = port is null ? DefaultPort
            : int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 65535 ? number
            : throw invalid($"port '{port}' is not a number from 1 to 65535");
    }

    private static void SetParameter(NpgsqlConnectionStringBuilder settings, string name, string value, Func<string, StoreException> invalid)
    {
        switch (name)
        {
            case "sslmode":
                settings.SslMode = value switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw invalid($"sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full"),
                };
                break;
            case "sslrootcert":
                settings.RootCertificate = value;
                break;
            case "sslcert":
                settings.SslCertificate = value;
                break;
            case "sslkey":
                settings.SslKey = value;
                break;
            case "connect_timeout":
                settings.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 1024
                    ? seconds
                    : throw invalid($"connect_timeout '{value}' is not a number of seconds (0-1024)");
                break;
            case "application_name":
                settings.ApplicationName = value;
                break;
            case "options":
                settings.Options = value;
                break;
            case "search_path":
                settings.SearchPath = value;
                break;
            default:
                throw invalid($"unsupported parameter '{name}' (supported: sslmode, sslrootcert, sslcert, sslkey, connect_timeout, application_name, options, search_path)");
        }
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text);

    [GeneratedRegex(@"(?:^|;)\s*(?:host|server)\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionStringHost();

    [GeneratedRegex(@"(?:^|;)\s*(?:password|pwd)\s*=\s*([^;]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordSetting();
}
