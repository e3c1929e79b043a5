using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace GroupBot.Templates;

/// <summary>A template that does not parse, reported as path:line:column.</summary>
public sealed record TemplateError(string Path, int Line, int Column, string Message)
{
    public override string ToString() => $"{Path}:{Line}:{Column}: {Message}";
}

/// <summary>
/// Every bot text comes from templates/&lt;lang&gt;/&lt;name&gt;.sbn (zh-CN is the default and the fallback).
/// Files are re-read when they change on disk; a broken edit is logged and the last good version keeps serving.
/// </summary>
public sealed partial class TemplateStore
{
    public const string DefaultLanguage = "zh-CN";
    private readonly string _root;
    private readonly ILogger<TemplateStore> _log;
    private readonly ConcurrentDictionary<string, Cached> _cache = new();
    // A context per thread and language, reset after each render: building a TemplateContext cost more than most renders.
    private readonly ThreadLocal<Dictionary<string, TemplateContext>> _contexts = new(() => []);

    public TemplateStore(string root, ILogger<TemplateStore> log)
    {
        _root = Path.GetFullPath(root);
        _log = log;
    }

    public string Root => _root;

    public IEnumerable<string> Languages =>
        Directory.Exists(_root) ? Directory.GetDirectories(_root).Select(Path.GetFileName).OfType<string>() : [];

    /// <summary>Parses every template; returns the errors (empty when all are good).</summary>
    public IReadOnlyList<TemplateError> CheckAll()
    {
        var errors = new List<TemplateError>();
        foreach (var file in Directory.EnumerateFiles(_root, "*.sbn", SearchOption.AllDirectories).Order())
        {
            var template = Template.Parse(File.ReadAllText(file), file);
            errors.AddRange(ToErrors(file, template));
        }
        return errors;
    }

    public bool Exists(string name, string lang) => Resolve(name, lang) is not null;

    /// <summary>
    /// Renders a template with the model's properties as top-level variables. A failure is logged with its detail (file,
    /// line, column) and the chat gets a short neutral text: members never see the server's paths.
    /// </summary>
    public string Render(string name, string lang, object? model = null)
    {
        var (text, error) = TryRender(name, lang, model);
        if (error is null) return text!;
        _log.LogError("Template {Template} ({Language}) failed to render: {Error}", name, lang, error);
        return Failed(lang);
    }

    /// <summary>What a chat sees when a template cannot render (not itself a template: that could be what is broken).</summary>
    public static string Failed(string lang) => lang == "en"
        ? "⚠️ Sorry, something went wrong here. The operators have been told."
        : "⚠️ 抱歉，这里出了点问题，已记录并通知运营。";

    /// <summary>How long a template's regex.* call may run: a catastrophic pattern must not stall a chat.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A template name: segments of ASCII letters, digits, '_' and '-' joined by '/' (e.g. posts/daily_product). Anything
    /// else (.., an absolute path, a backslash) could reach outside the templates folder and is refused.
    /// </summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 100 } && name.Split('/').All(s => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'));

    /// <summary>The rendered text, or the error (with path:line:column) when it does not render.</summary>
    /// <param name="draft">the template's text to render instead of its file (the console's preview of an unsaved edit)</param>
    public (string? Text, string? Error) TryRender(string name, string lang, object? model = null, string? draft = null)
    {
        var (path, stamp) = draft is null ? Find(name, lang) : (PathOf(name, lang), default);
        if (path is null) return (null, $"no template '{name}' in {_root}");
        Template template;
        string? key = null;
        try
        {
            if (draft is null)
            {
                var loaded = Load(path, stamp);
                template = loaded.Template;
                // The same model through the same version of a template that reads nothing but its model: the same text.
                key = loaded.Pure ? RenderKey(path, loaded.Stamp, lang, model) : null;
                if (key is not null && _rendered.TryGetValue(key, out var known)) return (known, null);
            }
            else template = Parse(draft, path);
        }
        catch (InvalidDataException ex)
        {
            return (null, ex.Message);
        }
        // Taken out while in use, so a render inside a render (on the same thread) gets a context of its own.
        var contexts = _contexts.Value!;
        if (!contexts.Remove(lang, out var context)) context = NewContext(lang);
        context.PushGlobal(HelpersOf.GetOrAdd(lang, Helpers));
        var globals = new ScriptObject();
        if (model is not null) Import(globals, model);
        context.PushGlobal(globals);
        try
        {
            var text = template.Render(context).Trim();
            // Only a context whose render went through is used again: Reset drops the globals and output of this one,
            // and included partials are read again next time (an operator's edit of one shows at once).
            context.Reset();
            context.CachedTemplates.Clear();
            contexts[lang] = context;
            if (key is not null)
            {
                // Count locks the whole dictionary: a counter of what was added says when to empty it.
                if (Interlocked.Increment(ref _renderedAdded) % MaxRendered == 0) _rendered.Clear();
                _rendered[key] = text;
            }
            return (text, null);
        }
        catch (ScriptRuntimeException ex)
        {
            // path:line:column of where it broke (an included partial names its own file).
            var span = ex.Span;
            var file = string.IsNullOrEmpty(span.FileName) ? path : span.FileName;
            return (null, $"{file}:{span.Start.Line + 1}:{span.Start.Column + 1}: {ex.OriginalMessage}");
        }
        catch (Exception ex)
        {
            // Anything else a template can make go wrong (a regex that timed out, a bad conversion): an error, never a crash.
            return (null, $"{path}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// The model's public fields and properties as the template's variables, as Scriban's Import does for an object,
    /// with the members of each type looked up once: Import reflects over the type on every call. Names as our contexts
    /// give them (Scriban's standard renamer: snake_case).
    /// </summary>
    private static void Import(ScriptObject globals, object model)
    {
        if (model is IScriptObject or System.Collections.IDictionary)
        {
            globals.Import(model, renamer: StandardMemberRenamer.Default);
            return;
        }
        foreach (var (name, get, readOnly) in MembersOf(model.GetType()))
            globals.SetValue(name, get(model), readOnly);
    }

    private static readonly ConcurrentDictionary<Type, (string Name, Func<object, object?> Get, bool ReadOnly)[]> Members = new();

    private static (string Name, Func<object, object?> Get, bool ReadOnly)[] MembersOf(Type type) => Members.GetOrAdd(type, ScanMembers);

    private static (string, Func<object, object?>, bool)[] ScanMembers(Type type)
    {
        // Base types first, as Scriban imports them (a member declared again further down wins).
        var chain = new Stack<Type>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType) chain.Push(t);
        var members = new List<(string, Func<object, object?>, bool)>();
        const BindingFlags declared = BindingFlags.Instance | BindingFlags.Public | BindingFlags.DeclaredOnly;
        foreach (var t in chain)
        {
            foreach (var field in t.GetFields(declared))
                if (field.GetCustomAttribute<ScriptMemberIgnoreAttribute>() is null)
                    members.Add((NameOf(field), field.GetValue, field.IsInitOnly || field.IsLiteral));
            foreach (var property in t.GetProperties(declared))
                if (property is { CanRead: true, GetMethod.IsPublic: true } && property.GetIndexParameters().Length == 0
                    && property.GetCustomAttribute<ScriptMemberIgnoreAttribute>() is null)
                    members.Add((NameOf(property), property.GetValue, false));
        }
        return [.. members];
    }

    private static string NameOf(MemberInfo member) =>
        StandardMemberRenamer.Default(member) is { Length: > 0 } name ? name : member.Name;

    /// <summary>Every template name (relative, without .sbn) of a language.</summary>
    public IEnumerable<string> Names(string lang)
    {
        var folder = Path.Combine(_root, lang);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.sbn", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f)[..^4].Replace('\\', '/')).Order()
            : [];
    }

    /// <summary>Where a template of this name and language is (or would be) kept: only ever inside the templates folder; null for a bad name.</summary>
    public string? PathOf(string name, string lang)
    {
        if (!IsValidName(name) || !IsValidName(lang) || lang.Contains('/')) return null;
        var path = Path.GetFullPath(Path.Combine(_root, lang, name + ".sbn"));
        return path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? path : null;
    }

    /// <summary>The parse errors of a template's text (empty when it parses), as `templates check` reports them.</summary>
    public static IReadOnlyList<TemplateError> ParseErrors(string text, string path) => ToErrors(path, Template.Parse(text, path)).ToList();

    private static Template Parse(string text, string path)
    {
        var template = Template.Parse(text, path);
        return template.HasErrors ? throw new InvalidDataException(string.Join("; ", ToErrors(path, template))) : template;
    }

    /// <summary>The file of a template, only ever inside the templates folder; null when there is none (or the name is not valid).</summary>
    private string? Resolve(string name, string lang) => Resolve(name, lang, out _);

    private string? Resolve(string name, string lang, out bool own)
    {
        own = false;
        if (!IsValidName(name)) return null;
        foreach (var l in new[] { lang, DefaultLanguage }.Distinct())
        {
            if (!IsValidName(l) || l.Contains('/')) continue;
            var path = Path.GetFullPath(Path.Combine(_root, l, name + ".sbn"));
            if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            if (!File.Exists(path)) continue;
            own = l == lang;
            return path;
        }
        return null;
    }

    // What GetLastWriteTimeUtc gives for a file that is not there.
    private static readonly DateTime Missing = DateTime.FromFileTimeUtc(0);

    // A language's own file of a template, once found: a render then costs one look at the file (has it changed?), not
    // a search. A fallback to zh-CN is not kept, so a translation added later is found at once.
    private readonly ConcurrentDictionary<(string Name, string Lang), string> _ownFile = new();

    /// <summary>The file of a template and when it was last written.</summary>
    private (string? Path, DateTime Stamp) Find(string name, string lang)
    {
        if (_ownFile.TryGetValue((name, lang), out var known))
        {
            var stamp = File.GetLastWriteTimeUtc(known);
            if (stamp != Missing) return (known, stamp);
            _ownFile.TryRemove((name, lang), out _);
        }
        var path = Resolve(name, lang, out var own);
        if (path is null) return (null, default);
        if (own) _ownFile[(name, lang)] = path;
        return (path, File.GetLastWriteTimeUtc(path));
    }

    /// <summary>An edited template did not parse (path, errors with line:column); the last good version keeps serving.</summary>
    public event Action<string, string>? EditRejected;

    private Cached Load(string path, DateTime stamp)
    {
        if (_cache.TryGetValue(path, out var cached) && cached.Stamp == stamp) return cached;

        var source = File.ReadAllText(path);
        var template = Template.Parse(source, path);
        if (template.HasErrors)
        {
            var errors = string.Join("; ", ToErrors(path, template));
            if (cached is not null)
            {
                _log.LogError("Template edit rejected, keeping the last good version: {Errors}", errors);
                EditRejected?.Invoke(path, errors);
                _cache[path] = cached = cached with { Stamp = stamp };
                return cached;
            }
            throw new InvalidDataException(errors);
        }
        if (cached is not null) _log.LogInformation("Template {Template} reloaded", path);
        return _cache[path] = new Cached(stamp, template, IsPure(source));
    }

    // Scriban's default context deep-copies its built-in functions for every render; one read-only copy serves all
    // renders (templates cannot assign to built-ins: an assignment goes to the topmost global, the model's object).
    private static readonly ScriptObject Builtins = TemplateContext.GetDefaultBuiltinObject();

    private TemplateContext NewContext(string lang) => new(Builtins)
    {
        TemplateLoader = new FolderLoader(this, lang),
        LoopLimit = 10_000,
        RecursiveLimit = 32,
        LimitToString = 100_000,
        RegexTimeOut = RegexTimeout,
        StrictVariables = false,
        EnableRelaxedMemberAccess = true,
        // Sandbox: templates may read properties of the models we pass them, nothing else of .NET.
        MemberFilter = member => member is PropertyInfo { DeclaringType: { } type } &&
            (type.Assembly == typeof(TemplateStore).Assembly || type.IsDefined(typeof(CompilerGeneratedAttribute))),
    };

    // Built once per language: wrapping the helper delegates is costly, and a render per message made the runtime
    // finalise thousands of them a second. Templates never write to it (their assignments go to the model's object).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ScriptObject> HelpersOf = new();

    private static ScriptObject Helpers(string lang)
    {
        var helpers = new ScriptObject();
        helpers.Import("money", new Func<long, string>(Money.Format));
        helpers.Import("lang", new Func<string>(() => lang));
        // Telegram shows <code> as monospace that a phone user copies with one tap (posts are sent as HTML).
        helpers.Import("copyable", new Func<string?, string>(text => "<code>" + Html(text) + "</code>"));
        helpers.Import("escape", new Func<string?, string>(Html));
        helpers.Import("plural", new Func<long, string, string, string>((n, one, many) => n == 1 ? one : many));
        helpers.Import("pad", new Func<object?, int, string>((v, width) =>
            Convert.ToString(v, CultureInfo.InvariantCulture)?.PadRight(width) ?? new string(' ', width)));
        return helpers;
    }

    /// <summary>Escapes what Telegram HTML needs escaped, and nothing else (emoji and Chinese stay as they are).</summary>
    public static string Html(string? text) => (text ?? "").Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private static IEnumerable<TemplateError> ToErrors(string path, Template template) =>
        template.Messages.Where(m => m.Type == ParserMessageType.Error)
            .Select(m => new TemplateError(path, m.Span.Start.Line + 1, m.Span.Start.Column + 1, m.Message));

    /// <param name="Pure">reads nothing but its model and our helpers (no clock, no randomness, no partials): its text can be kept</param>
    private sealed record Cached(DateTime Stamp, Template Template, bool Pure);

    // Any mention of these, even in plain text, and the template's renders are not kept: it may read the clock or chance,
    // or include a partial that changes on its own.
    [GeneratedRegex(@"\b(date|math|random|include|import|rnd)\b")]
    private static partial Regex Impure();

    private static bool IsPure(string source) => !Impure().IsMatch(source);

    // Rendered texts of pure templates by template version, language and model: the same FAQ answer or usage line is asked
    // for again and again. Bounded: emptied when full.
    private readonly ConcurrentDictionary<string, string> _rendered = new();
    private const int MaxRendered = 4096;
    private long _renderedAdded;

    /// <summary>
    /// A key that names the render exactly (the file and its version, the language, every member of the model), or null
    /// when the model holds anything but text, numbers, flags and lists of them.
    /// </summary>
    private static string? RenderKey(string path, DateTime stamp, string lang, object? model)
    {
        var key = new System.Text.StringBuilder(256);
        Add(key, path);
        Add(key, stamp.Ticks.ToString(CultureInfo.InvariantCulture));
        Add(key, lang);
        if (model is null) return key.ToString();
        if (model is IScriptObject or System.Collections.IDictionary) return null;
        foreach (var (name, get, _) in MembersOf(model.GetType()))
        {
            Add(key, name);
            if (!AddValue(key, get(model))) return null;
        }
        return key.ToString();
    }

    private static bool AddValue(System.Text.StringBuilder key, object? value)
    {
        switch (value)
        {
            case null:
                key.Append('n');
                return true;
            case string s:
                Add(key.Append('s'), s);
                return true;
            case bool or int or long or short or byte or decimal or double or float or Enum:
                Add(key.Append('v'), Convert.ToString(value, CultureInfo.InvariantCulture) + value.GetType().Name);
                return true;
            case System.Collections.IEnumerable list:
                key.Append('[');
                foreach (var item in list)
                    if (item is System.Collections.IEnumerable and not string || !AddValue(key, item)) return false;
                key.Append(']');
                return true;
            default:
                return false;
        }
    }

    // Length first: no text can be mistaken for a separator.
    private static void Add(System.Text.StringBuilder key, string text) => key.Append(text.Length).Append(':').Append(text);

    private static readonly AsyncLocal<IReadOnlyDictionary<string, string>?> Drafts = new();

    /// <summary>
    /// Within the returned scope (this async flow only), an include of a file at one of these paths reads the given text
    /// instead: the console checks an edited partial through every template that includes it before saving it.
    /// </summary>
    public static IDisposable WithDrafts(IReadOnlyDictionary<string, string> drafts)
    {
        var before = Drafts.Value;
        Drafts.Value = drafts;
        return new Restore(() => Drafts.Value = before);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>Resolves <c>include "name"</c> within the same language folder, falling back to zh-CN.</summary>
    private sealed class FolderLoader(TemplateStore store, string lang) : ITemplateLoader
    {
        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) =>
            store.Resolve(templateName, lang) ?? throw new ScriptRuntimeException(callerSpan, $"No template '{templateName}'");

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
            Drafts.Value is { } drafts && drafts.TryGetValue(templatePath, out var draft) ? draft : File.ReadAllText(templatePath);

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
            new(Load(context, callerSpan, templatePath));
    }
}
