using GroupBot.Faq;
using GroupBot.Storage;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace GroupBot.Tests.Faq;

public sealed class FaqStoreTests : IDisposable
{
    private const long ChatA = -1001, ChatB = -1002;
    private readonly TempDir _dir = Repo.Temp();
    private readonly Database _db;
    private readonly FaqStore _store;

    public FaqStoreTests()
    {
        _db = new Database(_dir.File("faq.db"));
        _store = new FaqStore(_db, new FakeTimeProvider());
        _store.Sync([
            new FaqSeedEntry("发货", "什么时候发货？", "48小时内发货", ["物流", "快递"]),
            new FaqSeedEntry("退货", "怎么退货？", "七天无理由", ["退款"]),
        ]);
    }

    [Fact]
    public void The_list_kept_per_chat_follows_every_edit_and_a_unit_sees_its_own_edits_first()
    {
        Assert.Equal(["发货", "退货"], _store.VisibleWithDocs(ChatA).Docs.Select(d => d.Key)); // kept now
        _store.Put(ChatA, "营业时间", "9:00–21:00", 1);
        Assert.Equal(["发货", "营业时间", "退货"], _store.VisibleWithDocs(ChatA).Docs.Select(d => d.Key).Order());
        Assert.Equal(["发货", "退货"], _store.Visible(ChatB).Select(e => e.Key));

        using (var unit = _db.Begin())
        {
            _store.Delete(ChatA, "发货", 1);
            Assert.DoesNotContain("发货", _store.Visible(ChatA).Select(e => e.Key)); // its own edit, not committed
            Assert.Contains("发货", _store.Visible(ChatB).Select(e => e.Key));
        } // rolled back
        Assert.Contains("发货", _store.Visible(ChatA).Select(e => e.Key));

        _db.Write(() => _store.Delete(ChatA, "营业时间", 1));
        Assert.Equal(["发货", "退货"], _store.Visible(ChatA).Select(e => e.Key));
    }

    [Fact]
    public void Every_chat_sees_the_global_entries()
    {
        Assert.Equal(["发货", "退货"], _store.Visible(ChatA).Select(e => e.Key));
        Assert.Equal("48小时内发货", _store.FindVisible(ChatB, "发货")!.Answer);
    }

    [Fact]
    public void A_group_entry_overrides_the_global_one_only_in_that_group()
    {
        Assert.Equal(FaqEditResult.Updated, _store.Put(ChatA, "发货", "本群当天发货", userId: 7));
        Assert.Equal("本群当天发货", _store.FindVisible(ChatA, "发货")!.Answer);
        Assert.Equal(["物流", "快递"], _store.FindVisible(ChatA, "发货")!.Aliases);
        Assert.Equal("48小时内发货", _store.FindVisible(ChatB, "发货")!.Answer);
        Assert.Equal(2, _store.Visible(ChatA).Count);
    }

    [Fact]
    public void Add_new_key_then_delete_it()
    {
        Assert.Equal(FaqEditResult.Added, _store.Put(ChatA, "发票", "可开电子发票", 7));
        Assert.Equal(3, _store.Visible(ChatA).Count);
        Assert.Equal(FaqEditResult.Deleted, _store.Delete(ChatA, "发票", 7));
        Assert.Null(_store.FindVisible(ChatA, "发票"));
        Assert.Equal(FaqEditResult.NotFound, _store.Delete(ChatA, "发票", 7));
    }

    [Fact]
    public void Deleting_a_global_key_hides_it_in_that_group_only()
    {
        Assert.Equal(FaqEditResult.Deleted, _store.Delete(ChatA, "退货", 7));
        Assert.Null(_store.FindVisible(ChatA, "退货"));
        Assert.NotNull(_store.FindVisible(ChatB, "退货"));
        Assert.Equal(FaqEditResult.Added, _store.Put(ChatA, "退货", "本群规则", 7));
        Assert.Equal("本群规则", _store.FindVisible(ChatA, "退货")!.Answer);
    }

    [Fact]
    public void Keys_match_ignoring_width_and_case()
    {
        _store.Put(ChatA, "FAQ", "x", 7);
        Assert.NotNull(_store.FindVisible(ChatA, "ｆａｑ"));
    }

    [Fact]
    public void Alias_added_in_group_and_conflicts_refused()
    {
        Assert.Equal((FaqEditResult.Updated, (string?)null), _store.AddAliases(ChatA, "发货", ["寄件"], 7));
        Assert.Contains("寄件", _store.FindVisible(ChatA, "发货")!.Aliases);
        Assert.DoesNotContain("寄件", _store.FindVisible(ChatB, "发货")!.Aliases);

        var before = _store.FindVisible(ChatA, "发货")!.Aliases.Count;
        Assert.Equal((FaqEditResult.AliasTaken, "退款"), _store.AddAliases(ChatA, "发货", ["顺丰", "退款"], 7));
        Assert.Equal(before, _store.FindVisible(ChatA, "发货")!.Aliases.Count);
        Assert.Equal(FaqEditResult.NotFound, _store.AddAliases(ChatA, "没有", ["x"], 7).Result);
    }

    [Fact]
    public void Seed_edits_update_untouched_entries_and_leave_group_overrides()
    {
        _store.Put(ChatA, "发货", "本群当天发货", 7);
        var (added, updated, removed) = _store.Sync([
            new FaqSeedEntry("发货", "什么时候发货？", "24小时内发货", ["物流", "快递"]),
            new FaqSeedEntry("发票", "能开发票吗？", "可以", []),
        ]);
        Assert.Equal((1, 1, 1), (added, updated, removed));
        Assert.Equal("24小时内发货", _store.FindVisible(ChatB, "发货")!.Answer);
        Assert.Equal("本群当天发货", _store.FindVisible(ChatA, "发货")!.Answer);
        Assert.Null(_store.FindVisible(ChatB, "退货"));
        Assert.Equal((0, 0, 0), _store.Sync([
            new FaqSeedEntry("发货", "什么时候发货？", "24小时内发货", ["物流", "快递"]),
            new FaqSeedEntry("发票", "能开发票吗？", "可以", []),
        ]));
    }

    [Fact]
    public void Migration_moves_group_entries_to_the_new_chat()
    {
        _store.Put(ChatA, "发票", "可开电子发票", 7);
        _db.MigrateChat(ChatA, ChatB);
        Assert.NotNull(_store.FindVisible(ChatB, "发票"));
        Assert.Null(_store.FindVisible(ChatA, "发票"));
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }
}
