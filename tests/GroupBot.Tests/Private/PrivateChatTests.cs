using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Private;

/// <summary>Issue 13: the bot in a private chat — /start, deep links, /mygroups and the groups' views.</summary>
public sealed class PrivateChatTests : IAsyncLifetime
{
    private static readonly ChatUser Amy = new(11, "Amy", "amy");
    private static readonly ChatInfo Other = new(-1077, ChatKind.Supergroup, "第二个群");
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir, ("Bot:Operators:0", "99"));

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    private static ChatInfo Dm(ChatUser u) => new(u.Id, ChatKind.Private, u.FirstName);

    private Task<List<ChatAction>> Private(ChatUser u, string text) => _bot.SayIn(Dm(u), u, text);

    [Fact]
    public async Task Start_in_private_welcomes_with_the_commands_this_user_may_use_here_from_the_registry()
    {
        var text = (await Private(Amy, "/start")).All();
        Assert.Contains("你好！我是分销群运营助手", text);
        Assert.Contains("/me", text);
        Assert.Contains("/mygroups", text);
        Assert.Contains("/faq", text);
        // Admin commands and group-only commands are not offered to a member here.
        Assert.DoesNotContain("/lottery", text);
        Assert.DoesNotContain("/jigsaw", text);
        Assert.DoesNotContain("/award", text);
        // Every private-chat command of the registry a member may use is listed: none is hard-coded.
        var registry = _bot.Get<CommandRegistry>();
        foreach (var spec in registry.All.Where(c => c.Scope == CommandScope.Private && c.Role == Role.Member && !c.OperatorsOnly))
            Assert.Contains("/" + spec.Name, text);
        // Operators' commands are offered to operators only, in /start and /help alike.
        Assert.DoesNotContain("/console", text);
        Assert.DoesNotContain("/status", text);
        var help = (await Private(Amy, "/help")).All();
        Assert.DoesNotContain("/console", help);
        Assert.DoesNotContain("/status", help);
        var op = new ChatUser(99, "Op", "op");
        var opStart = (await Private(op, "/start")).All();
        Assert.Contains("你是运营", opStart);
        Assert.Contains("/console", opStart);
        Assert.Contains("/status", opStart);
        var opHelp = (await Private(op, "/help")).All();
        Assert.Contains("/console", opHelp);
        Assert.Contains("/status", opHelp);
    }

    [Fact]
    public async Task Plain_text_in_a_private_chat_gets_a_pointer_to_help_and_in_a_group_nothing()
    {
        var reply = (await Private(Amy, "你好")).All();
        Assert.Contains("发 /help 看看我能做什么", reply);
        Assert.Contains("/claim", reply);
        Assert.Empty(await _bot.Say(Amy, "你好"));
    }

    [Fact]
    public async Task Start_in_a_group_answers_only_when_addressed_to_this_bot_and_junk_payloads_get_a_clear_reply()
    {
        Assert.Empty(await _bot.Say(Amy, "/start"));
        Assert.Contains("请私聊我使用 /start", (await _bot.Say(Amy, "/start@TestBot")).All());
        foreach (var junk in new[] { "hello", "jg_", "xx_abcdefghijklmnopqrstuvwx", new string('a', 200), "jg_<script>", "../../etc/passwd" })
        {
            var reply = (await Private(Amy, "/start " + junk)).All();
            Assert.Contains("无效或已过期", reply);
            Assert.DoesNotContain("script", reply);
        }
    }

    [Fact]
    public async Task Mygroups_lists_only_groups_the_caller_administers_and_the_views_answer_privately_posting_nothing_in_the_group()
    {
        await _bot.Say(BotHarness.Owner, "大家好");
        await _bot.SayIn(Other, BotHarness.Owner, "hi");
        Assert.Contains("你目前不是任何群的管理员", (await Private(Amy, "/mygroups")).All());
        Assert.Contains("你目前不是任何群的管理员", (await Private(Amy, "/stats")).All());

        var list = (await Private(BotHarness.Owner, "/mygroups")).OfType<SendText>().Single();
        Assert.Contains("测试群", list.Text);
        Assert.Contains("第二个群", list.Text);
        var stats = list.Buttons!.SelectMany(r => r).First(b => b.Data == $"pv:stats:{BotHarness.Chat}");

        var shown = await _bot.Deliver2(new ButtonPressed(Dm(BotHarness.Owner), BotHarness.Owner, "cb1", 5, stats.Data));
        var reply = shown.OfType<SendText>().Single();
        Assert.Equal(BotHarness.Owner.Id, reply.ChatId);
        Assert.Contains("【测试群】", reply.Text);
        Assert.DoesNotContain(shown, a => a.ChatId == BotHarness.Chat);

        // /games sent privately: two groups, so a picker; its button answers for the group picked.
        var pick = (await Private(BotHarness.Owner, "/games")).OfType<SendText>().Single();
        Assert.Contains("请选择要查看 /games 的群", pick.Text);
        Assert.Equal(2, pick.Buttons!.Count);
        await _bot.Say(BotHarness.Owner, "/lottery 3 1 栗子");
        var games = await _bot.Deliver2(new ButtonPressed(Dm(BotHarness.Owner), BotHarness.Owner, "cb2", 6, $"pv:games:{BotHarness.Chat}"));
        Assert.Contains("红包手气最差 · 栗子", games.All());
        Assert.DoesNotContain(games, a => a.ChatId == BotHarness.Chat);
    }

    [Fact]
    public async Task A_view_button_checks_admin_rights_again_and_forged_buttons_change_nothing()
    {
        await _bot.Say(BotHarness.Owner, "大家好");
        // Amy forges the Owner's button: she is no admin there.
        var forged = await _bot.Deliver2(new ButtonPressed(Dm(Amy), Amy, "cb", 5, $"pv:stats:{BotHarness.Chat}"));
        Assert.Contains("你已不是这个群的管理员", forged.All());
        Assert.DoesNotContain(forged, a => a is SendText);
        foreach (var data in new[] { "pv:end:" + BotHarness.Chat, "pv:stats:abc", "pv:stats:-1", "pv:" })
        {
            var junk = await _bot.Deliver2(new ButtonPressed(Dm(BotHarness.Owner), BotHarness.Owner, "cb", 5, data));
            Assert.Contains("这个按钮已失效", junk.All());
        }
        // Demoted since the list was sent.
        _bot.Chat_.Admins.Remove(BotHarness.Owner.Id);
        _bot.Get<Roles>().Forget(BotHarness.Chat);
        var late = await _bot.Deliver2(new ButtonPressed(Dm(BotHarness.Owner), BotHarness.Owner, "cb", 5, $"pv:stats:{BotHarness.Chat}"));
        Assert.Contains("你已不是这个群的管理员", late.All());
    }
}
