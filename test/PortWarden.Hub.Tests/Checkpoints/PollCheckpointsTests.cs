using PortWarden.Agent.Checkpoints;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Tests.Checkpoints;

/// <summary>Interrupted polls as the agent finds them in its data directory at start, and which of them it may finish.</summary>
public sealed class PollCheckpointsTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-checkpoints-");
    private readonly PollCheckpoints checkpoints;

    public PollCheckpointsTests() => checkpoints = new PollCheckpoints(Path.Combine(directory.FullName, "checkpoints"), TimeProvider.System);

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task A_saved_poll_is_found_with_its_id_start_and_decided_ports_in_owner_only_files()
    {
        var tracker = SavedPolls.Tracker(7, "198.18.1.10");
        var pollId = await SavedPolls.WriteAsync(checkpoints, tracker, "198.18.1.10");

        var found = Assert.Single(checkpoints.Find());

        Assert.Equal((pollId, null), (found.PollId, found.Problem));
        Assert.Equal((pollId, 7L, 2L), (found.Poll!.Info.PollId, found.Poll.Info.Tracker.TrackerId, found.Poll.DecidedPorts));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(checkpoints.CheckpointPath(pollId)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(checkpoints.Directory));
        }

        Assert.Equal((tracker, null), ResumeCheck.Check(found.Poll, [tracker]));
    }

    [Fact]
    public async Task A_checkpoint_cut_off_mid_line_is_still_usable()
    {
        var pollId = await SavedPolls.WriteAsync(checkpoints, SavedPolls.Tracker(7, "198.18.1.10"), "198.18.1.10");
        await File.AppendAllTextAsync(checkpoints.CheckpointPath(pollId), """{"type":"port","addr""", TestContext.Current.CancellationToken);

        var found = Assert.Single(checkpoints.Find());

        Assert.Null(found.Problem);
        Assert.Equal(2, found.Poll!.DecidedPorts);
    }

    [Theory]
    [InlineData("corrupt line", "is corrupt at line 4")]
    [InlineData("truncated header", "is not a PortWarden checkpoint")]
    [InlineData("missing description", ".poll.json' is missing")]
    [InlineData("corrupt description", ".poll.json' is corrupt")]
    public async Task A_corrupt_or_truncated_saved_poll_comes_with_the_problem_instead(string damage, string problem)
    {
        var pollId = await SavedPolls.WriteAsync(checkpoints, SavedPolls.Tracker(7, "198.18.1.10"), "198.18.1.10");
        var checkpoint = checkpoints.CheckpointPath(pollId);
        var description = Path.ChangeExtension(checkpoint, ".poll.json");
        switch (damage)
        {
            case "corrupt line":
                await File.AppendAllTextAsync(checkpoint, "{\"type\":\"port\"}\n{\"type\":\"port\"}\n", TestContext.Current.CancellationToken);
                break;
            case "truncated header":
                await File.WriteAllTextAsync(checkpoint, "{\"format\":\"portwarden-check", TestContext.Current.CancellationToken);
                break;
            case "missing description":
                File.Delete(description);
                break;
            default:
                await File.WriteAllTextAsync(description, "{\"pollId\":", TestContext.Current.CancellationToken);
                break;
        }

        var found = Assert.Single(checkpoints.Find());

        Assert.Equal(pollId, found.PollId);
        Assert.Null(found.Poll);
        Assert.Contains(problem, found.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_poll_whose_tracker_is_no_longer_assigned_is_not_finished()
    {
        await SavedPolls.WriteAsync(checkpoints, SavedPolls.Tracker(7, "198.18.1.10"), "198.18.1.10");

        var (tracker, problem) = ResumeCheck.Check(Assert.Single(checkpoints.Find()).Poll!, [SavedPolls.Tracker(8, "198.18.1.10")]);

        Assert.Null(tracker);
        Assert.Equal("tracker 7 ('tracker-7') is no longer assigned to this agent", problem);
    }

    [Fact]
    public async Task A_poll_whose_tracker_options_changed_is_not_finished_but_spelling_alone_is_no_change()
    {
        var then = SavedPolls.Tracker(7, "198.18.1.10", options: """{"timeoutMs":500}""");
        await SavedPolls.WriteAsync(checkpoints, then, "198.18.1.10");
        var saved = Assert.Single(checkpoints.Find()).Poll!;

        var (tracker, problem) = ResumeCheck.Check(saved, [then with { Options = """{"timeoutMs":900}""" }]);
        Assert.Null(tracker);
        Assert.Equal("""tracker 'tracker-7' changed since the poll started: options {"timeoutMs":500} are now {"timeoutMs":900}""", problem);

        var respelled = then with { Options = """{ "timeoutMs" : 500 }""" };
        Assert.Equal((respelled, null), ResumeCheck.Check(saved, [respelled]));
    }

    [Fact]
    public async Task A_checkpoint_that_recorded_other_options_than_its_poll_description_is_not_finished()
    {
        var tracker = SavedPolls.Tracker(7, "198.18.1.10");
        await SavedPolls.WriteAsync(checkpoints, tracker, "198.18.1.10", new TrackerOptions { Retries = 4 });

        var (resumed, problem) = ResumeCheck.Check(Assert.Single(checkpoints.Find()).Poll!, [tracker]);

        Assert.Null(resumed);
        Assert.Contains("options {\"retries\":4} are now {}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_poll_whose_tracker_ports_changed_is_not_finished()
    {
        var then = SavedPolls.Tracker(7, "198.18.1.10");
        await SavedPolls.WriteAsync(checkpoints, then, "198.18.1.10");

        var (tracker, problem) = ResumeCheck.Check(Assert.Single(checkpoints.Find()).Poll!, [then with { Ports = "1-30" }]);

        Assert.Null(tracker);
        Assert.Equal("tracker 'tracker-7' changed since the poll started: ports '1-20' are now '1-30'", problem);
    }

    [Fact]
    public void Deleting_a_poll_that_never_had_a_checkpoint_is_no_error()
    {
        checkpoints.Delete(Guid.CreateVersion7());

        Assert.Empty(checkpoints.Find());
        Assert.False(Directory.Exists(checkpoints.Directory));
    }

    [Fact]
    public async Task Deleting_a_poll_removes_both_files_and_a_description_left_alone_is_cleaned_up()
    {
        var deleted = await SavedPolls.WriteAsync(checkpoints, SavedPolls.Tracker(7, "198.18.1.10"), "198.18.1.10");
        var orphan = await SavedPolls.WriteAsync(checkpoints, SavedPolls.Tracker(8, "198.18.1.10"), "198.18.1.10");
        checkpoints.Delete(deleted);
        File.Delete(checkpoints.CheckpointPath(orphan));

        Assert.Empty(checkpoints.Find());
        Assert.Empty(Directory.EnumerateFileSystemEntries(checkpoints.Directory));
    }
}
