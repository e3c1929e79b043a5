using GroupBot.Pipeline;
using GroupBot.Hosting;

namespace GroupBot.Tests.Hosting;

public class ChatQueuesTests
{
    [Fact]
    public async Task One_chat_runs_in_order_while_other_chats_run_meanwhile()
    {
        var queues = new ChatQueues();
        var log = new List<string>();
        var gate = new TaskCompletionSource();
        var first = queues.Enqueue(1, async () => { await gate.Task; lock (log) log.Add("1a"); });
        var second = queues.Enqueue(1, () => { lock (log) log.Add("1b"); return Task.CompletedTask; });
        var other = queues.Enqueue(2, () => { lock (log) log.Add("2a"); return Task.CompletedTask; });

        await other;
        Assert.Equal(["2a"], log);
        Assert.False(second.IsCompleted);
        gate.SetResult();
        await Task.WhenAll(first, second);
        Assert.Equal(["2a", "1a", "1b"], log);
        await queues.Drain();
    }

    [Fact]
    public async Task A_failed_item_does_not_stop_the_chat()
    {
        var queues = new ChatQueues();
        var ran = false;
        var failing = queues.Enqueue(1, () => throw new InvalidOperationException("boom"));
        var next = queues.Enqueue(1, () => { ran = true; return Task.CompletedTask; });
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        await next;
        Assert.True(ran);
    }
}
