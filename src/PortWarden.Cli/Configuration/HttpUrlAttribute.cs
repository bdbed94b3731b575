using System.ComponentModel.DataAnnotations;

namespace PortWarden.Cli.Configuration;

/// <summary>An absolute http:// (or, unless <see cref="PlainOnly"/>, https://) URL; every element when the setting is a list.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class HttpUrlAttribute : ValidationAttribute
{
    public bool PlainOnly { get; init; }

    public override bool IsValid(object? value) => value switch
    {
        null => true,
        string text => IsUrl(text),
        IEnumerable<string> texts => texts.All(IsUrl),
        _ => false,
    };

    public override string FormatErrorMessage(string name) => PlainOnly ? "is not an http:// URL" : "is not an http:// or https:// URL";

    private bool IsUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == "http" || (!PlainOnly && uri.Scheme == "https"));
}
