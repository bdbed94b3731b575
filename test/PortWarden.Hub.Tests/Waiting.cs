namespace PortWarden.Hub.Tests;

/// <summary>Waits for a condition with a deadline instead of sleeping and hoping.</summary>
internal static class Waiting
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {limit} waiting for {what}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
