using GroupBot.Games;
using GroupBot.Outbox;

namespace GroupBot.Tests.Outbox;

/// <summary>Issue 16: retries after network errors are spread (jitter from the injectable random source), within bounds.</summary>
public sealed class BackoffTests
{
    private sealed class Sequence(params byte[] first) : Entropy
    {
        private int _n;
        public override byte[] NewSeed() => Enumerable.Repeat(first[_n++ % first.Length], 32).ToArray();
    }

    [Fact]
    public void Backoff_doubles_up_to_a_minute_and_is_spread_by_half_either_way()
    {
        var low = new Sequence(0x00);
        var high = new Sequence(0xFF);
        Assert.Equal(TimeSpan.FromSeconds(0.5), OutboxQueue.Backoff(1, low));
        Assert.Equal(TimeSpan.FromSeconds(2), OutboxQueue.Backoff(3, low));
        Assert.InRange(OutboxQueue.Backoff(1, high).TotalSeconds, 1.49, 1.5);
        Assert.InRange(OutboxQueue.Backoff(20, high).TotalSeconds, 89, 90); // 60 s at most, before the spread
        // Two chats failing together come back at different moments.
        var mixed = new Sequence(0x10, 0xC0);
        Assert.NotEqual(OutboxQueue.Backoff(4, mixed), OutboxQueue.Backoff(4, mixed));
    }
}
