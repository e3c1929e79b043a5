using GroupBot.Hosting;

return await BotHost.RunAsync(args);
