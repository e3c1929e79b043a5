using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Hosting;

/// <summary>
/// The ways to run the bot set the runtime alike: the GC's young generation is read from the environment only, so the
/// Dockerfile, the systemd unit and launchSettings.json each set it; tiered compilation is off in the project itself.
/// </summary>
public sealed class DeploymentFilesTests
{
    [Fact]
    public void Docker_systemd_and_dotnet_run_give_the_bot_the_same_young_generation()
    {
        var docker = Regex.Match(File.ReadAllText(Path.Combine(Repo.Root, "Dockerfile")), @"DOTNET_GCgen0size=(\S+)").Groups[1].Value;
        var systemd = Regex.Match(File.ReadAllText(Path.Combine(Repo.Root, "config", "groupbot.service")), @"^Environment=DOTNET_GCgen0size=(\S+)$",
            RegexOptions.Multiline).Groups[1].Value;
        var launch = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "src", "GroupBot", "Properties", "launchSettings.json")))!
            ["profiles"]!["GroupBot"]!["environmentVariables"]!["DOTNET_GCgen0size"]!.GetValue<string>();
        Assert.Equal("0x2000000", docker);
        Assert.Equal(docker, systemd);
        Assert.Equal(docker, launch);
    }

    [Fact]
    public void The_bot_is_built_without_tiered_compilation()
    {
        var project = System.Xml.Linq.XDocument.Load(Path.Combine(Repo.Root, "src", "GroupBot", "GroupBot.csproj"));
        Assert.Equal("false", project.Descendants("TieredCompilation").Single().Value);
    }
}
