using GroupBot.Chat.Telegram;
using GroupBot.Storage;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Telegram.Bot.Types;

namespace GroupBot.Tests.Chat;

/// <summary>
/// A batch is handled as soon as it is in memory, but it counts as arrived (the next getUpdates' offset) only once it is on
/// disk, and nothing a handler did is acknowledged before the batch is.
/// </summary>
public sealed class UpdateInboxTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp();

    public void Dispose() => _dir.Dispose();

    private static Update Message(int id) => new() { Id = id, Message = new Message { Id = id, Text = "/faq 发货", Chat = new Telegram.Bot.Types.Chat { Id = -1, Type = Telegram.Bot.Types.Enums.ChatType.Supergroup } } };

    [Fact]
    public async Task A_batch_is_handled_at_once_but_is_durable_only_with_the_journal_and_the_handlers_units_follow_it()
    {
        var path = _dir.File("inbox.db");
        var time = new FakeTimeProvider();
        var disk = new FlakyDisk();
        using (var db = new Database(path, time: time, openJournal: disk.Open))
        {
            var inbox = new UpdateInbox(db, time);
            disk.Full = true;
            var (fresh, durable) = inbox.Accept([Message(7), Message(8)]);
            Assert.Equal([7, 8], fresh.Select(u => u.Id));
            // In memory: a handler can take it now, and a repeat of the batch is dropped.
            Assert.Equal(8, inbox.LastUpdateId);
            Assert.Equal(2, inbox.Waiting);
            Assert.Empty(inbox.Accept([Message(8)]).Fresh);

            // A handler's unit commits behind the batch: while the disk is full, neither is acknowledged.
            Task handled;
            using (var unit = db.Begin())
            {
                inbox.MarkHandled(7);
                handled = unit.CommitAsync();
            }
            for (var i = 0; i < 50 && db.JournalStats.Failures == 0; i++) await Task.Delay(20);
            Assert.True(db.JournalStats.Failures > 0);
            Assert.False(durable.IsCompleted); // the poller may not confirm the offset to Telegram
            Assert.False(handled.IsCompleted); // nothing the handler queued may be sent

            disk.Full = false;
            time.Advance(Journal.RetryDelay);
            await durable.WaitAsync(TimeSpan.FromSeconds(10));
            await handled.WaitAsync(TimeSpan.FromSeconds(10));
        }
        // After a restart: the offset and the one update not handled yet are there.
        using var reopened = new Database(path);
        var again = new UpdateInbox(reopened);
        Assert.Equal(8, again.LastUpdateId);
        Assert.Equal([8], again.Unhandled().Select(u => u.Id));
    }
}
