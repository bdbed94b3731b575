using PortWarden.Core.Tracking;
using PortWarden.Storage.Postgres;

namespace PortWarden.Cli.Configuration;

/// <summary>A --db value: printed as its file, or as postgres://user@host:port/db without the password.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class DatabaseLocationAttribute : Attribute
{
    public static string Display(string value)
    {
        if (!PostgresLocation.Matches(value))
        {
            return value;
        }

        try
        {
            return PostgresLocation.Parse(value).Display;
        }
        catch (StoreException)
        {
            return "(an unreadable PostgreSQL location)";
        }
    }
}
