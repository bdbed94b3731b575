namespace PortWarden.Core.Scanning;

/// <summary>
/// An engine could not complete a scan (its tool is missing, failed or was killed). Records already streamed
/// are true; hosts without a <see cref="HostReport"/> were not decided.
/// </summary>
public class ScanEngineException : Exception
{
    public ScanEngineException()
    {
    }

    public ScanEngineException(string message)
        : base(message)
    {
    }

    public ScanEngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
