using GroupBot.Games.Lottery;
using GroupBot.Hosting;

return args switch
{
    ["verify", .. var rest] => LotteryVerify.Run(rest, Console.Out, Console.Error),
    _ => await BotHost.RunAsync(args),
};
