using GroupBot.Chat;
using GroupBot.Pipeline;
using GroupBot.Storage;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace GroupBot.Tests.Pipeline;

/// <summary>An event or a timer started during another event runs on its own, not inside that event's unit of work.</summary>
public sealed class EventContextTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_event_posted_inside_a_unit_runs_without_that_unit()
    {
        using var db = new Database(_dir.File("e.db"));
        var sink = new EventSink(new ChatQueues(), new Lifetime());
        var seen = new TaskCompletionSource<(Unit? Current, bool Ran)>(TaskCreationOptions.RunContinuationsAsynchronously);
        sink.Attach((_, _) =>
        {
            seen.TrySetResult((Unit.Current, true));
            return Task.CompletedTask;
        });
        using (var unit = db.Begin())
        {
            sink.Post(new ScheduleDue("s", DateTimeOffset.UnixEpoch));
            var (current, ran) = await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(ran);
            Assert.Null(current); // the outer unit is still open here, yet the posted event does not see it
            Assert.Same(unit, Unit.Current);
        }
    }

    [Fact]
    public async Task A_timer_set_inside_a_unit_fires_without_that_unit()
    {
        using var db = new Database(_dir.File("t.db"));
        var seen = new TaskCompletionSource<Unit?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var unit = db.Begin())
        {
            using var timer = TimeProvider.System.CreateDetachedTimer(_ => seen.TrySetResult(Unit.Current), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            var current = await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Null(current);
            Assert.Same(unit, Unit.Current);
        }
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }
}
