using GroupBot.Tests.Support;

namespace GroupBot.Tests.Chat;

/// <summary>The whole bot on its built-in local chat, driven by a script as `dotnet run` would be with piped input.</summary>
public sealed class LocalChatTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp();

    [Fact]
    public async Task Faq_answers_from_the_shipped_seed()
    {
        var output = await TestHosts.RunLocalScript(_dir, "/faq 物流\n");
        Assert.Contains("owner> /faq 物流", output);
        Assert.Contains("💡", output);
        Assert.Contains("发货", output);
    }

    [Fact]
    public async Task Owner_edits_answers_a_member_is_refused_and_a_malformed_command_gets_the_form()
    {
        var output = await TestHosts.RunLocalScript(_dir, string.Join('\n',
            "/faq add 暗号 芝麻开门",
            "/faq 暗号",
            "/as bob",
            "/faq add 暗号 被改了",
            "/faq 暗号",
            "/as owner",
            "/faq add",
            "/faq del 暗号",
            "/faq 暗号"));
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.Contains("已添加本群答案「暗号」"));
        Assert.Contains(lines, l => l.Contains("只有群管理员可以使用"));
        Assert.Equal(2, lines.Count(l => l.Trim() == "芝麻开门"));
        Assert.DoesNotContain(lines, l => l.Contains("被改了") && l.StartsWith("🤖"));
        Assert.Contains(lines, l => l.Contains("⚠️ 缺少关键词。用法：/faq add <关键词> <答案…>"));
        Assert.Contains(lines, l => l.Contains("已在本群删除「暗号」"));
    }

    [Fact]
    public async Task Message_ids_go_on_from_the_last_run_so_stored_ids_never_point_at_a_new_message()
    {
        static List<int> Ids(string output) => System.Text.RegularExpressions.Regex.Matches(output, @"🤖 \[#(\d+)\]")
            .Select(m => int.Parse(m.Groups[1].Value)).ToList();
        var first = Ids(await TestHosts.RunLocalScript(_dir, "/faq 物流\n/faq 退货\n"));
        var second = Ids(await TestHosts.RunLocalScript(_dir, "/faq 物流\n"));
        Assert.NotEmpty(first);
        Assert.NotEmpty(second);
        Assert.True(second.Min() > first.Max(), $"first run {string.Join(",", first)}; second run {string.Join(",", second)}");
    }

    [Fact]
    public async Task Data_survives_a_restart()
    {
        await TestHosts.RunLocalScript(_dir, "/faq add 暗号 芝麻开门\n");
        var output = await TestHosts.RunLocalScript(_dir, "/faq 暗号\n");
        Assert.Contains("芝麻开门", output);
    }

    [Fact]
    public async Task Help_lists_admin_commands_only_for_admins()
    {
        var output = await TestHosts.RunLocalScript(_dir, "/help\n/as amy\n/help\n");
        var parts = output.Split("amy> /help");
        Assert.Contains("/faq add", parts[0]);
        Assert.DoesNotContain("/faq add", parts[1]);
        Assert.Contains("/faq", parts[1]);
    }

    [Fact]
    public async Task English_groups_get_english_replies()
    {
        var output = await TestHosts.RunLocalScript(_dir, "/as bob\n/faq add x y\n", extra: ("Bot:Language", "en"));
        Assert.Contains("Sorry, only group admins can use /faq add.", output);
    }

    public void Dispose() => _dir.Dispose();
}
