namespace PortWarden.Scanning.Timing;

/// <summary>
/// Estimates how often a probe or its answer is lost on the path, from the probes that were answered only
/// after retransmission, and derives how many attempts a silent port deserves before it is called filtered.
/// </summary>
internal sealed class LossEstimator
{
    /// <summary>Accepted chance, per host, that some answering port is wrongly reported as silent.</summary>
    private const double AcceptedErrorPerHost = 1e-4;

    private long answered;
    private long lostBeforeAnswer;

    /// <summary>Records an answer that arrived on attempt <paramref name="attempt"/> (0 = first try).</summary>
    public void RecordAnswer(int attempt)
    {
        answered++;
        lostBeforeAnswer += attempt;
    }

    /// <summary>
    /// Estimated probability that one attempt goes unanswered although the port would answer. Before any
    /// evidence it is 10%, a pessimistic LAN; each answer moves it towards what the path really does.
    /// </summary>
    public double LossRate => (lostBeforeAnswer + 0.1) / (lostBeforeAnswer + answered + 1.0);

    /// <summary>
    /// Attempts after which silence is trusted: enough that, at the estimated loss rate, none of
    /// <paramref name="answeringPorts"/> such ports would be silent on every attempt by chance.
    /// </summary>
    public int AttemptsNeeded(long answeringPorts, int maxAttempts)
    {
        var loss = LossRate;
        var attempts = Math.Log(AcceptedErrorPerHost / Math.Max(1, answeringPorts)) / Math.Log(loss);
        return Math.Clamp((int)Math.Ceiling(attempts), Math.Min(2, maxAttempts), maxAttempts);
    }
}
