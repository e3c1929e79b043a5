using System.Diagnostics;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace GroupBot.Benchmarks;

/// <summary>
/// `peercheck`: runs Telegram.Bot (the version GroupBot uses) against the LoadPeer for every method GroupBot calls,
/// so the peer's JSON is known to be what the client accepts, and shows how 429s and faults reach the caller.
/// </summary>
public static class PeerCheck
{
    public static async Task<int> RunAsync()
    {
        await using var peer = await LoadPeer.StartAsync(BenchHost.Token);
        var failures = 0;
        async Task Check(string what, Func<Task<string>> step)
        {
            try
            {
                Console.WriteLine($"ok    {what}: {await step()}");
            }
            catch (Exception ex)
            {
                failures++;
                Console.WriteLine($"FAIL  {what}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        var defaults = new TelegramBotClientOptions(BenchHost.Token, peer.BaseUrl);
        var client = new TelegramBotClient(defaults);
        Console.WriteLine($"Telegram.Bot defaults: Timeout {client.Timeout.TotalSeconds:0} s, RetryThreshold {defaults.RetryThreshold} s, RetryCount {defaults.RetryCount}");
        const long group = -1001000000001;

        await Check("getMe", async () => (await client.GetMe()) is { Id: 123, Username: "bench_bot" } me ? $"@{me.Username}" : throw new Exception("wrong user"));
        await Check("deleteWebhook", async () => { await client.DeleteWebhook(); return "true"; });
        await Check("setMyCommands", async () =>
        {
            await client.SetMyCommands([new BotCommand("faq", "FAQ")], languageCode: "en");
            return "true";
        });
        await Check("getChatAdministrators", async () => string.Join(",", (await client.GetChatAdministrators(group)).Select(a => $"{a.Status}:{a.User.Id}")));

        peer.EnqueueBotAdded(group, "Bench group");
        var sent = peer.EnqueueMessage(group, "Bench group", 42, "Alice", "/faq@bench_bot 发货");
        Update[] updates = [];
        await Check("getUpdates", async () =>
        {
            updates = await client.GetUpdates(0, 100, 1, [UpdateType.Message, UpdateType.MyChatMember]);
            var m = updates.Last().Message!;
            if (updates.Length != 2 || updates[0].MyChatMember?.NewChatMember.Status != ChatMemberStatus.Member || m.MessageId != sent
                || m.Chat.Type != ChatType.Supergroup || m.From?.Id != 42 || m.Entities?[0].Type != MessageEntityType.BotCommand || m.Text != "/faq@bench_bot 发货")
                throw new Exception("unexpected updates");
            return $"{updates.Length} updates, ids {updates[0].Id}..{updates[^1].Id}, date {m.Date:u}";
        });
        await Check("getUpdates offset", async () =>
        {
            var again = await client.GetUpdates(updates[0].Id + 1, 100, 0);
            var none = await client.GetUpdates(updates[^1].Id + 1, 100, 0);
            if (again.Length != 1 || none.Length != 0) throw new Exception($"expected 1 then 0, got {again.Length}, {none.Length}");
            var before = await client.GetUpdates(0, 100, 0); // confirmed updates never come back
            return before.Length == 0 ? "confirmed updates are not served again" : throw new Exception("confirmed update served again");
        });
        await Check("getUpdates long poll", async () =>
        {
            var sw = Stopwatch.StartNew();
            var poll = client.GetUpdates(updates[^1].Id + 1, 100, 5);
            await Task.Delay(300);
            peer.EnqueueMessage(group, "Bench group", 42, "Alice", "hello");
            var got = await poll;
            return got.Length == 1 && sw.Elapsed < TimeSpan.FromSeconds(3) ? $"woke after {sw.ElapsedMilliseconds} ms" : throw new Exception("did not wake");
        });
        Message? message = null;
        await Check("sendMessage", async () =>
        {
            message = await client.SendMessage(group, "<b>hi</b>", ParseMode.Html, replyParameters: new ReplyParameters { MessageId = sent, AllowSendingWithoutReply = true },
                replyMarkup: new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("Join", "g:1:join")));
            var logged = peer.Accepted().Last();
            return logged.ReplyTo == sent && logged.ChatId == group ? $"message {message.MessageId}, reply_to logged" : throw new Exception("reply_to not logged");
        });
        await Check("editMessageText", async () => (await client.EditMessageText(group, message!.MessageId, "edited")).Text == "edited" ? "edited" : throw new Exception("text"));
        await Check("answerCallbackQuery", async () => { await client.AnswerCallbackQuery("cb1", "done"); return "true"; });
        await Check("deleteMessage", async () => { await client.DeleteMessage(group, sent); return "true"; });
        await Check("sendPhoto (URL, JSON)", async () =>
            (await client.SendPhoto(group, InputFile.FromUri("https://example.com/a.jpg"), "caption", ParseMode.Html)).Photo is { Length: > 0 } ? "photo" : throw new Exception("no photo"));
        await Check("sendPhoto (upload, multipart)", async () =>
        {
            using var stream = new MemoryStream([1, 2, 3]);
            var m = await client.SendPhoto(group, InputFile.FromStream(stream, "a.jpg"), "cap");
            return m.Caption == "cap" ? "photo" : throw new Exception("caption");
        });
        await Check("wrong token", async () =>
        {
            try
            {
                await new TelegramBotClient(new TelegramBotClientOptions("9:wrong", peer.BaseUrl)).GetMe();
                throw new Exception("accepted");
            }
            catch (ApiRequestException ex) when (ex.ErrorCode == 401)
            {
                return "ApiRequestException 401";
            }
        });

        // Flood control as the caller sees it: without auto-retry, then with the library's defaults.
        peer.Limits = new PeerLimits(ChatBurst: 1, ChatPerSecond: 1);
        var noRetry = new TelegramBotClient(new TelegramBotClientOptions(BenchHost.Token, peer.BaseUrl) { RetryThreshold = 0 });
        await Check("429 (auto-retry off)", async () =>
        {
            await noRetry.SendMessage(-1001000000002, "one");
            try
            {
                await noRetry.SendMessage(-1001000000002, "two");
                throw new Exception("no 429");
            }
            catch (ApiRequestException ex) when (ex.ErrorCode == 429)
            {
                return $"ApiRequestException 429, Parameters.RetryAfter = {ex.Parameters?.RetryAfter}";
            }
        });
        await Check("429 (library defaults)", async () =>
        {
            var before = peer.RateLimited;
            await client.SendMessage(-1001000000003, "one");
            var sw = Stopwatch.StartNew();
            await client.SendMessage(-1001000000003, "two");
            return $"the client waited {sw.Elapsed.TotalSeconds:0.0} s and retried by itself ({peer.RateLimited - before} 429 answered); the caller never saw it";
        });
        peer.Limits = null;

        // Faults as the caller sees them (these are what TelegramAdapter.PerformAsync must turn into transient errors).
        var shortClient = new TelegramBotClient(new TelegramBotClientOptions(BenchHost.Token, peer.BaseUrl)) { Timeout = TimeSpan.FromSeconds(1) };
        foreach (var (name, faults) in new[]
                 {
                     ("5xx", new PeerFaults(ServerErrors: 1)),
                     ("dropped connection", new PeerFaults(Drops: 1)),
                     ("timeout", new PeerFaults(Timeouts: 1, Hold: TimeSpan.FromSeconds(2))),
                 })
        {
            peer.Faults = faults;
            await Check($"fault: {name}", async () =>
            {
                try
                {
                    await shortClient.SendMessage(group, "x");
                    return "no error";
                }
                catch (Exception ex)
                {
                    return ex.GetType().FullName + (ex is ApiRequestException a ? $" {a.ErrorCode}" : "") +
                           (ex.InnerException is { } inner ? $" (inner {inner.GetType().Name}: {inner.Message})" : $": {ex.Message}");
                }
            });
        }
        peer.Faults = new PeerFaults();

        Console.WriteLine(failures == 0 ? "peercheck: all ok" : $"peercheck: {failures} failed");
        return failures == 0 ? 0 : 1;
    }
}
