namespace PortWarden.Hub.Tests.Truth;

/// <summary>
/// Random poll histories of a small network whose hosts and ports change between polls, observed by complete, partial
/// and failed polls, then delivered the way an agent's outbox and retries may deliver them: some late, some twice.
/// </summary>
internal static class RandomPolls
{
    private static readonly string[] Errors = ["scan interrupted: agent stopping", "nmap exited with code 1", "shard lease expired"];

    /// <summary>The polls in delivery order (a duplicate is the same poll again).</summary>
    public static IReadOnlyList<ModelPoll> Deliveries(Random random, IReadOnlyList<string> addresses, IReadOnlyList<string> ports, DateTimeOffset start)
    {
        var polls = Observe(random, addresses, ports, start);

        // Out of order: some polls arrive one to three places later than they were taken.
        var order = polls.Select((poll, index) => (Poll: poll, Key: index + (random.NextDouble() < 0.15 ? random.Next(1, 4) + 0.5 : 0)))
            .OrderBy(entry => entry.Key).Select(entry => entry.Poll).ToList();

        // Duplicated: some polls arrive again later (a lost acknowledgement, a retry).
        foreach (var poll in order.ToList())
        {
            if (random.NextDouble() < 0.12)
            {
                var at = order.IndexOf(poll) + 1;
                order.Insert(random.Next(at, order.Count + 1), poll);
            }
        }

        return order;
    }

    private static List<ModelPoll> Observe(Random random, IReadOnlyList<string> addresses, IReadOnlyList<string> ports, DateTimeOffset start)
    {
        var up = addresses.ToDictionary(address => address, _ => random.NextDouble() < 0.75, StringComparer.Ordinal);
        var open = addresses.ToDictionary(address => address, _ => ports.Where(_ => random.NextDouble() < 0.4).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var polls = new List<ModelPoll>();
        var count = random.Next(10, 21);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                foreach (var address in addresses)
                {
                    up[address] ^= random.NextDouble() < 0.12;
                    foreach (var port in ports.Where(_ => random.NextDouble() < 0.15))
                    {
                        if (!open[address].Remove(port))
                        {
                            open[address].Add(port);
                        }
                    }
                }
            }

            var started = start.AddSeconds(i * 10);
            var finished = started.AddSeconds(random.Next(1, 6));
            var id = Id(random);
            var kind = random.NextDouble();
            ModelHost Truth(string address) =>
                new(address, up[address], up[address] ? open[address].ToHashSet(StringComparer.Ordinal) : new HashSet<string>(), new HashSet<string>());

            if (kind < 0.6)
            {
                polls.Add(new ModelPoll(id, started, finished, null, addresses.Select(Truth).ToList()));
            }
            else if (kind < 0.75)
            {
                // Cut off part way: the hosts it finished, and an error.
                polls.Add(new ModelPoll(id, started, finished, Errors[random.Next(Errors.Length)],
                    addresses.Where(_ => random.NextDouble() < 0.5).Select(Truth).ToList()));
            }
            else if (kind < 0.87)
            {
                // Every host finished, but some ports of an up host could not be decided.
                var hosts = addresses.Select(Truth).ToList();
                var upHosts = hosts.Where(host => host.Up).ToList();
                if (upHosts.Count > 0)
                {
                    var chosen = upHosts[random.Next(upHosts.Count)];
                    var undecided = ports.Where(_ => random.NextDouble() < 0.4).DefaultIfEmpty(ports[random.Next(ports.Count)]).ToHashSet(StringComparer.Ordinal);
                    hosts[hosts.IndexOf(chosen)] = chosen with { Open = chosen.Open.Except(undecided).ToHashSet(StringComparer.Ordinal), Undecided = undecided };
                }

                polls.Add(new ModelPoll(id, started, finished, null, hosts));
            }
            else
            {
                polls.Add(new ModelPoll(id, started, finished, Errors[random.Next(Errors.Length)], []));
            }
        }

        return polls;
    }

    private static Guid Id(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }
}
