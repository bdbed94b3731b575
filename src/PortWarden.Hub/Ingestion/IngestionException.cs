namespace PortWarden.Hub.Ingestion;

/// <summary>An upload the hub will not record: the HTTP status to answer, and the field that was wrong.</summary>
public sealed class IngestionException(int status, string field, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Field { get; } = field;
}
