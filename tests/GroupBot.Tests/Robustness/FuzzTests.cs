using System.Text;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Faq;
using GroupBot.Games;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Robustness;

/// <summary>
/// Random and hostile input through the whole bot: huge numbers, odd unicode, empty and 4,096-character texts,
/// wrong types, other bots' commands. Nothing may throw, no malformed or refused command may change state, and
/// every malformed command is answered with its right form. The default run is short; set GROUPBOT_FUZZ=100000
/// for the long run (see the README).
/// </summary>
public sealed class FuzzTests : IAsyncLifetime
{
    private static readonly ChatUser Member = new(8001, "Mallory", "mallory");
    private static readonly string[] Commands =
    [
        "help", "faq", "lottery", "guess", "hint", "groupbuy", "join", "leave", "grab", "g", "games", "end", "cancel", "post", "preview",
        "schedules", "pause", "resume", "tag", "me", "top", "mylink", "award", "sale", "level", "welcome", "stats", "nope",
    ];
    private static readonly string[] Nasty =
    [
        "", " ", "0", "-1", "99999999999999999999999", "1e308", "NaN", "１．５", "¥", "￥-5", "59.999", "3:", ":3", "3:65,", "a=b", "=", "stake=",
        "deadline=-5m", "mode=", "tries=1000000", "@", "@@@", "\"", "“unclosed", "\u0000", "\u202e", "🧧🧧", "\ud800", "<b>x</b>", "&amp;", "%s%n",
        "{{ 1/0 }}", "' OR 1=1 --", "../../etc/passwd", "\n\n", "\t", "ＡＢＣ", "٣", "〇", "g:1:join", "name", "add", "del", "alias", "week", "on",
    ];
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir);

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    private static int Runs => int.TryParse(Environment.GetEnvironmentVariable("GROUPBOT_FUZZ"), out var n) ? n : 3000;

    private static string RandomText(Random random)
    {
        var sb = new StringBuilder();
        var words = random.Next(0, 6);
        for (var i = 0; i < words; i++)
        {
            sb.Append(random.Next(4) switch
            {
                0 => Nasty[random.Next(Nasty.Length)],
                1 => random.NextInt64(long.MinValue, long.MaxValue).ToString(),
                2 => new string(Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next(0x20, 0xFFFF)).ToArray()),
                _ => Commands[random.Next(Commands.Length)],
            });
            sb.Append(random.Next(5) == 0 ? "　" : " ");
        }
        return sb.ToString();
    }

    private (int Games, int Ledger, int Faq, long Points) State() =>
    (
        _bot.Get<GameStore>().Since(null, DateTime.MinValue).Count,
        _bot.Get<GameStore>().Since(null, DateTime.MinValue).Sum(g => _bot.Get<GameStore>().LedgerOf(g.Id).Count),
        _bot.Get<FaqStore>().Visible(BotHarness.Chat).Count,
        _bot.Get<Points>().Board(null, null, "points").Sum(s => s.Points)
    );

    [Fact]
    public async Task A_member_sending_random_and_hostile_input_changes_nothing_and_crashes_nothing()
    {
        var random = new Random(20261122);
        var before = State();
        for (var i = 0; i < Runs; i++)
        {
            var text = (i % 10) switch
            {
                0 => new string('长', 4096),
                1 => "/" + Commands[random.Next(Commands.Length)] + "@OtherBot " + RandomText(random),
                2 => RandomText(random),
                _ => "/" + Commands[random.Next(Commands.Length)] + " " + RandomText(random),
            };
            if (i % 50 == 7) await _bot.Press(Member, random.Next(1, 2000), RandomText(random));
            else await _bot.Say(Member, text);
        }
        // A member may only read, look and ask: nothing in games, ledgers, FAQ or points may move.
        Assert.Equal(before, State());
        var failures = _bot.Logs().SkipWhile(l => !l.Contains("Failed to handle") && !l.Contains("[FTL]")).Take(12).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task An_admins_malformed_commands_each_get_one_line_with_the_right_form_and_change_nothing()
    {
        var random = new Random(7);
        // Junk is never empty, never a number (a negative one included: "/award @x -1" takes a point back) and never an
        // option: the command must be malformed.
        string Junk() => Nasty[random.Next(Nasty.Length)] is var n && (string.IsNullOrWhiteSpace(CleanText.Of(n)) || char.IsDigit(n[0])
            || (n.Length > 1 && n[0] == '-' && char.IsDigit(n[1])) || n.Contains('=') || n.Contains('\n') || n.Contains('\t'))
            ? "x" + n.Trim() : n;
        var malformed = new List<string>();
        for (var i = 0; i < Math.Max(200, Runs / 10); i++)
        {
            malformed.Add(random.Next(9) switch
            {
                0 => "/lottery " + Junk() + " 1 奖品",
                1 => "/lottery 3 " + Junk() + " 奖品",
                2 => "/lottery 3 1 奖品 colour=" + Junk(),
                3 => "/guess " + Junk() + " 商品",
                4 => "/groupbuy 69 " + Junk() + " 商品",
                5 => "/groupbuy " + Junk() + " 3:65 商品",
                6 => "/award @mallory " + Junk(),
                7 => "/stats " + Junk(),
                _ => "/faq add",
            });
        }
        await _bot.Say(Member, "hi"); // so @mallory resolves
        var before = State();
        foreach (var command in malformed)
        {
            var replies = (await _bot.Say(BotHarness.Owner, command)).OfType<SendText>().ToList();
            var reply = Assert.Single(replies);
            Assert.Contains("用法：", reply.Text);
            Assert.DoesNotContain('\n', reply.Text);
        }
        Assert.Equal(before, State());
        Assert.DoesNotContain(_bot.Logs(), l => l.Contains("Failed to handle"));
    }
}
