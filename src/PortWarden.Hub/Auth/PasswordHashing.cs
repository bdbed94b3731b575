using Microsoft.AspNetCore.Identity;

namespace PortWarden.Hub.Auth;

/// <summary>
/// Users' password hashes: ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2 with HMAC-SHA512, a random
/// salt, many iterations, the format versioned in the hash). Unlike the 256-bit keys of <see cref="Secrets"/>, people's
/// passwords can be guessed, so each guess must be slow.
/// </summary>
public sealed class PasswordHashing
{
    private readonly PasswordHasher<Owner> hasher = new();
    private readonly Owner owner = new();
    private readonly Lazy<string> decoy;

    public PasswordHashing() =>
        // Checked against when a name is unknown, so that answering takes as long as for a known name.
        decoy = new Lazy<string>(() => Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18))));

    public string Hash(string password) => hasher.HashPassword(owner, password);

    /// <summary>Whether the password matches the hash (null: no such user, checked against a decoy at the same cost), and whether to store a new hash.</summary>
    public (bool Matches, bool RehashNeeded) Verify(string? storedHash, string password)
    {
        var result = hasher.VerifyHashedPassword(owner, storedHash ?? decoy.Value, password);
        return storedHash is null
            ? (false, false)
            : (result != PasswordVerificationResult.Failed, result == PasswordVerificationResult.SuccessRehashNeeded);
    }

    /// <summary>The hasher's user type; its default implementation does not look at the user.</summary>
    private sealed class Owner;
}
