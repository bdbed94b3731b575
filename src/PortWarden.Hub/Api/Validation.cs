namespace PortWarden.Hub.Api;

/// <summary>Collects field errors of a request; empty means valid. The keys are the JSON field names the client sent.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsValid => errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>Runs a check that throws <see cref="FormatException"/> (or a spec error) and records its message under the field.</summary>
    public T? Check<T>(string field, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException error)
        {
            Add(field, error.Message);
            return default;
        }
    }

    public IResult Problem() =>
        Results.ValidationProblem(errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray()), title: "The request has invalid fields.");
}
