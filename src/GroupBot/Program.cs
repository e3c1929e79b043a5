using GroupBot.Community;
using GroupBot.Games.Lottery;
using GroupBot.Hosting;
using GroupBot.Posting;

return args switch
{
    ["verify", "jigsaw", .. var rest] => GroupBot.Games.Jigsaw.JigsawVerify.Run(rest, Console.Out, Console.Error),
    ["verify", .. var rest] => LotteryVerify.Run(rest, Console.Out, Console.Error),
    ["templates", .. var rest] => TemplatesCli.Run(rest, Console.Out, Console.Error),
    ["report", .. var rest] => ReportCli.Run(rest, Console.Out, Console.Error),
    ["orders", .. var rest] => await GroupBot.Commerce.CommerceCli.Run(rest, Console.Out, Console.Error),
    ["db", .. var rest] => GroupBot.Storage.DatabaseCli.Run(rest, Console.Out, Console.Error),
    _ => await BotHost.RunAsync(args),
};
