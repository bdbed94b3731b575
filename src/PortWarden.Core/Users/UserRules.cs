namespace PortWarden.Core.Users;

/// <summary>What makes a user name, role and password acceptable: the same rules for the command line and the API.</summary>
public static class UserRules
{
    public const int MinimumPasswordLength = 12;

    /// <summary>Long enough for any passphrase, short enough that hashing it costs no more than usual.</summary>
    public const int MaximumPasswordLength = 1024;

    public const int MaximumNameLength = 64;

    /// <summary>
    /// Why the name is not acceptable, or null. ASCII letters, digits and . _ - @ only, starting with a letter or
    /// digit: names compare without case in every store alike, and never need quoting in a URL or a log line.
    /// </summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a user name is required";
        }

        if (name.Length > MaximumNameLength)
        {
            return $"a user name has at most {MaximumNameLength} characters";
        }

        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            return $"user name '{name}' must start with a letter or digit";
        }

        var bad = name.FirstOrDefault(c => !char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-' or '@'));
        return bad == default ? null : $"user name '{name}' has '{bad}' at position {name.IndexOf(bad, StringComparison.Ordinal) + 1}: use letters, digits and . _ - @";
    }

    /// <summary>Why the password is not acceptable, or null.</summary>
    public static string? PasswordProblem(string? password) =>
        string.IsNullOrEmpty(password) ? "a password is required"
        : password.Length < MinimumPasswordLength ? $"the password has {password.Length} characters; use at least {MinimumPasswordLength}"
        : password.Length > MaximumPasswordLength ? $"the password has more than {MaximumPasswordLength} characters"
        : null;

    /// <summary>"admin" or "viewer" (any case) as a role, or null.</summary>
    public static UserRole? ParseRole(string? role) => role?.ToLowerInvariant() switch
    {
        "admin" => UserRole.Admin,
        "viewer" => UserRole.Viewer,
        _ => null,
    };

    public static string Name(this UserRole role) => role == UserRole.Admin ? "admin" : "viewer";
}
