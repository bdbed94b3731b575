using System.Globalization;
using System.Text.Json;
using PortWarden.Agent.Delivery;
using PortWarden.Agent.Wire;

namespace PortWarden.Hub.Tests;

/// <summary>The agent's outbox hands polls to the sender in the order they were queued, whatever the clock and restarts do.</summary>
public sealed class OutboxOrderTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-outbox-");

    [Fact]
    public void Polls_leave_in_the_order_they_were_queued_across_restarts()
    {
        var queued = new List<Guid>();
        for (var restart = 0; restart < 3; restart++)
        {
            var outbox = new Outbox(directory.FullName);
            for (var i = 0; i < 12; i++)
            {
                var upload = Upload(DateTimeOffset.UtcNow);
                outbox.Add(upload);
                queued.Add(upload.PollId);
            }
        }

        Assert.Equal(queued, Drain(new Outbox(directory.FullName)));
    }

    [Fact]
    public void A_poll_queued_after_the_clock_stepped_back_still_leaves_after_the_older_ones()
    {
        var outbox = new Outbox(directory.FullName);
        var first = Upload(new DateTimeOffset(2026, 12, 4, 18, 0, 0, TimeSpan.Zero));
        var second = Upload(new DateTimeOffset(2026, 12, 4, 17, 0, 0, TimeSpan.Zero));
        outbox.Add(first);
        var delivered = outbox.Oldest()!.Value;
        outbox.Add(second);
        outbox.Delivered(delivered.Path);
        var third = Upload(new DateTimeOffset(2026, 12, 4, 16, 0, 0, TimeSpan.Zero));
        new Outbox(directory.FullName).Add(third);

        Assert.Equal(first.PollId, delivered.Upload.PollId);
        Assert.Equal([second.PollId, third.PollId], Drain(new Outbox(directory.FullName)));
    }

    [Fact]
    public void Files_named_by_the_old_clock_key_are_delivered_by_when_their_polls_started_then_new_ones()
    {
        // Older agents named files UtcTicks * 1000 + n, which overflows to negative numbers that sort backwards.
        var start = new DateTimeOffset(2026, 12, 4, 18, 0, 0, TimeSpan.Zero);
        var old = Enumerable.Range(0, 4).Select(i => Upload(start.AddMinutes(i))).ToList();
        foreach (var upload in old)
        {
            var key = unchecked(upload.StartedAt.UtcTicks * 1000 + 1);
            File.WriteAllText(Path.Combine(directory.FullName, $"{key.ToString("D22", CultureInfo.InvariantCulture)}-{upload.PollId:N}.json"), JsonSerializer.Serialize(upload, WireJson.Options));
        }

        var outbox = new Outbox(directory.FullName);
        var next = Upload(start);
        outbox.Add(next);

        Assert.Equal([.. old.Select(u => u.PollId), next.PollId], Drain(outbox));
    }

    public void Dispose() => directory.Delete(recursive: true);

    private static List<Guid> Drain(Outbox outbox)
    {
        var order = new List<Guid>();
        while (outbox.Oldest() is { } next)
        {
            order.Add(next.Upload.PollId);
            outbox.Delivered(next.Path);
        }

        return order;
    }

    private static PollUpload Upload(DateTimeOffset started) =>
        new(Guid.CreateVersion7(), 1, null, started, started, "connect", null, "T:22", "", []);
}
