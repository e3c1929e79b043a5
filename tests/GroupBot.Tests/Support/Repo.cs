namespace GroupBot.Tests.Support;

/// <summary>Paths in the repository the tests run from, and throw-away folders.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Templates => Path.Combine(Root, "templates");

    public static string Config => Path.Combine(Root, "config");

    /// <summary>A fresh folder under the temp dir, deleted when disposed.</summary>
    public static TempDir Temp() => new();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GroupBot.sln"))) return dir.FullName;
        throw new InvalidOperationException("GroupBot.sln not found above " + AppContext.BaseDirectory);
    }
}

public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "groupbot-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A copy of the repository's config/ and templates/, for tests that edit them.</summary>
    public TempDir WithBotFiles()
    {
        Copy(Repo.Config, System.IO.Path.Combine(Path, "config"));
        Copy(Repo.Templates, System.IO.Path.Combine(Path, "templates"));
        return this;
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            System.IO.File.Copy(file, target);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
