namespace PortWarden.Core.Targets;

/// <summary>
/// Splits a target specification into entries at spaces and commas. A comma glued between octet values
/// ("10.0.0.1,5" or "10.0.1,3.1") is an octet list, not an entry separator, as in nmap.
/// </summary>
internal static class TargetTokenizer
{
    public static List<(string Token, int Position)> Tokenize(string text, string kind)
    {
        var tokens = new List<(string Token, int Position)>();
        var i = 0;
        while (i < text.Length)
        {
            var separatorStart = i;
            var commas = 0;
            var sawSpace = false;
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                if (text[i] == ',')
                {
                    commas++;
                    if (commas > 1 || separatorStart == 0 || tokens.Count == 0)
                    {
                        throw new SpecFormatException(kind, text, ",", i + 1, "empty entry (a comma at the start, or two commas in a row)");
                    }
                }
                else
                {
                    sawSpace = true;
                }

                i++;
            }

            if (i == text.Length)
            {
                if (commas > 0)
                {
                    throw new SpecFormatException(kind, text, ",", text.LastIndexOf(',') + 1, "empty entry (a comma at the end)");
                }

                break;
            }

            var start = i;
            while (i < text.Length && text[i] != ',' && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var fragment = text[start..i];
            var glued = commas == 1 && !sawSpace && tokens.Count > 0;
            if (glued && ContinuesOctetList(tokens[^1].Token, fragment))
            {
                tokens[^1] = (tokens[^1].Token + "," + fragment, tokens[^1].Position);
            }
            else
            {
                tokens.Add((fragment, start + 1));
            }
        }

        return tokens;
    }

    private static bool ContinuesOctetList(string previous, string fragment)
    {
        if (!IsOctetText(previous) || !IsOctetText(fragment))
        {
            return false;
        }

        var dots = previous.Count(c => c == '.');
        return dots < 3 ? dots + fragment.Count(c => c == '.') <= 3 : !fragment.Contains('.');
    }

    private static bool IsOctetText(string text) => text.All(c => char.IsAsciiDigit(c) || c is '.' or '-' or '*' or ',');
}
