using System.Globalization;
using GroupBot.Benchmarks;

// GroupBot benchmarks: see README.md next to this file.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("""
        usage: GroupBot.Benchmarks <command> [options]

          broadcast [--groups 1000] [--faults]    one post per group through the outbox, against Telegram's limits
          inbound   [--updates 20000] [--groups 10000] [--members 100000]
                                                  /faq and /join updates end to end; then paced runs
          press     [--players 100] [--seconds 10] [--keep]
                                                  a lottery played with its buttons: Join/Grab presses → answer latency
          render    [BenchmarkDotNet options]     TemplateStore.Render of faq_answer and posts/daily_product
          ledger    [--rows 1000000]              /me and /top with a large points ledger
          report    [--groups 10000] [--days 7]   the report command (CSVs and chart) over many groups
          peercheck                               Telegram.Bot against the load peer, method by method
          bare      [--updates 20000] [--in-flight 8] a bare Telegram.Bot loop on the same peer: the floor under inbound

        Options of each command: README.md.
        """);
    return 0;
}

try
{
    // render hands its arguments to BenchmarkDotNet; the others take --name value options.
    return args[0] switch
    {
        "broadcast" => await BroadcastBench.RunAsync(new Options(args[1..])),
        "inbound" => await InboundBench.RunAsync(new Options(args[1..])),
        "press" => await PressBench.RunAsync(new Options(args[1..])),
        "render" => RenderBench.Run(args[1..]),
        "ledger" => await LedgerBench.RunAsync(new Options(args[1..])),
        "bot" => await BotProcess.RunChildAsync(args[1..]),
        "bare" => await BareBench.RunAsync(new Options(args[1..])),
        "bare-child" => await BareBench.RunChildAsync(args[1..]),
        "report" => await ReportBench.RunAsync(new Options(args[1..])),
        "peercheck" when args.Length == 1 => await PeerCheck.RunAsync(),
        "peercheck" => Usage("peercheck takes no options"),
        _ => Usage($"unknown command '{args[0]}'"),
    };
}
catch (OptionException ex)
{
    return Usage(ex.Message);
}

static int Usage(string message)
{
    Console.Error.WriteLine($"GroupBot.Benchmarks: {message} (--help lists the commands)");
    return 2;
}
