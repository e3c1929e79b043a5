using System.Globalization;

namespace GroupBot.Benchmarks;

public sealed class OptionException(string message) : Exception(message);

/// <summary>`--name value` and `--flag` options.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    public Options(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new OptionException($"unexpected argument '{args[i]}'");
            var name = args[i][2..];
            string? value = null;
            if (name.IndexOf('=') is var eq and > 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
            _values[name] = value;
        }
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _values.ContainsKey(name);
    }

    public int Int(string name, int fallback, int min = 1, int max = int.MaxValue)
    {
        var v = (int)Number(name, fallback);
        return v < min || v > max ? throw new OptionException($"--{name} must be from {min} to {max}") : v;
    }

    public string Text(string name, string fallback)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var s) ? s ?? throw new OptionException($"--{name} needs a value") : fallback;
    }

    public double Number(string name, double fallback)
    {
        _used.Add(name);
        if (!_values.TryGetValue(name, out var s)) return fallback;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new OptionException($"--{name} needs a number");
    }

    /// <summary>Fails on an option no command asked for (a typo must not silently run the defaults).</summary>
    public void CheckAllUsed()
    {
        if (_values.Keys.FirstOrDefault(k => !_used.Contains(k)) is { } unknown) throw new OptionException($"unknown option --{unknown}");
    }
}
