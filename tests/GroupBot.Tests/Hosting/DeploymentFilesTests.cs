using System.Text.RegularExpressions;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Hosting;

/// <summary>
/// The ways to run the bot on a server set the runtime alike: the GC's young generation is read from the environment only,
/// so the Dockerfile and the systemd unit each set it; tiered compilation is off in the project itself.
/// </summary>
public sealed class DeploymentFilesTests
{
    [Fact]
    public void Docker_and_systemd_give_the_bot_the_same_young_generation()
    {
        var docker = Regex.Match(File.ReadAllText(Path.Combine(Repo.Root, "Dockerfile")), @"DOTNET_GCgen0size=(\S+)").Groups[1].Value;
        var systemd = Regex.Match(File.ReadAllText(Path.Combine(Repo.Root, "config", "groupbot.service")), @"^Environment=DOTNET_GCgen0size=(\S+)$",
            RegexOptions.Multiline).Groups[1].Value;
        Assert.Equal("0x2000000", docker);
        Assert.Equal(docker, systemd);
    }

    [Fact]
    public void The_bot_is_built_without_tiered_compilation()
    {
        var project = System.Xml.Linq.XDocument.Load(Path.Combine(Repo.Root, "src", "GroupBot", "GroupBot.csproj"));
        Assert.Equal("false", project.Descendants("TieredCompilation").Single().Value);
    }
}
