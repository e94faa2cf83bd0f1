namespace AgentDb.Server.Bench.Ann.Embedding;

/// <summary>
/// One Debian package description: its one-line synopsis and the paragraphs of its long description (none when the
/// index carries only the synopsis), each paragraph's lines joined into one line.
/// </summary>
/// <param name="Synopsis">The first line of the <c>Description</c> field.</param>
/// <param name="Paragraphs">The long description, split at its <c>" ."</c> lines.</param>
internal sealed record PackageDescription(string Synopsis, IReadOnlyList<string> Paragraphs)
{
    /// <summary>The whole description as one line: the synopsis as a sentence, then every paragraph.</summary>
    public string FullText
    {
        get
        {
            if (Paragraphs.Count == 0)
            {
                return Synopsis;
            }

            string head = Synopsis.Length > 0 && char.IsPunctuation(Synopsis[^1]) ? Synopsis : Synopsis + ".";
            return head + " " + string.Join(' ', Paragraphs);
        }
    }
}
