namespace PortWarden.Hub.Tests;

public sealed class EmbeddedHubTests
{
    [Fact]
    public async Task One_command_gives_a_hub_that_tracks_its_own_host()
    {
        var directory = Directory.CreateTempSubdirectory("portwarden-embedded-");
        try
        {
            await using var hub = await TestHub.StartAsync(new HubOptions { DataDirectory = directory.FullName, LocalAgent = true, LocalAgentRefresh = TimeSpan.FromSeconds(1) },
                TestContext.Current.CancellationToken);

            await Waiting.UntilAsync(async () => (await hub.GetAsync("api/v1/devices")).EnumerateArray().Any(d => d.GetProperty("polls").GetInt32() > 0),
                TimeSpan.FromSeconds(60), "the self-scan's first poll");

            var device = (await hub.GetAsync("api/v1/devices")).EnumerateArray().Single();
            Assert.Equal((Environment.MachineName, "self"), (device.GetProperty("device").GetProperty("name").GetString(), device.GetProperty("device").GetProperty("kind").GetString()));
            Assert.Equal("local", device.GetProperty("lastPoll").GetProperty("engine").GetString());
            var trackers = await hub.GetAsync("api/v1/trackers");
            Assert.Equal("self", trackers[0].GetProperty("mode").GetString());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
