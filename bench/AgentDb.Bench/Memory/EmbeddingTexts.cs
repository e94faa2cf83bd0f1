namespace AgentDb.Bench.Memory;

/// <summary>
/// Texts like the ones an agent memory embeds: episode critiques, task descriptions, skill summaries, short queries.
/// 32 of them, 3 to 45 words, fixed so every run embeds the same work.
/// </summary>
internal static class EmbeddingTexts
{
    public static readonly string[] All =
    [
        "fix the login bug",
        "The deployment failed because the database connection timed out after thirty seconds.",
        "Retry the request with exponential backoff when the upstream service returns 503.",
        "summarise the meeting notes",
        "User asked for a refund; the agent checked the order history and approved it within policy.",
        "Parse the CSV file, drop rows with missing customer ids, and write the cleaned table to parquet.",
        "What caused the spike in latency yesterday?",
        "The agent forgot to close the file handle, so later writes failed with a sharing violation on Windows.",
        "Skill: rename a column in a pandas data frame without copying the data.",
        "Critique: I searched the whole repository before reading the error message, which named the failing file and line.",
        "book a table for two at seven",
        "Translate the release notes into German and keep the product names in English.",
        "The unit tests passed locally but failed in CI because the time zone differed.",
        "Episode 42: the planner chose a three-step plan; step two called the wrong API version and returned an empty list.",
        "find cheap flights to Lisbon in May",
        "Increase the connection pool size when more than eighty percent of connections are busy for a minute.",
        "The summary missed the action items, so the user asked again; next time list the action items first.",
        "Which customers churned last quarter and what did they have in common?",
        "Lesson: verify the schema of an API response before indexing into it; the field was renamed in v2.",
        "draft a polite reminder email",
        "The code review found a race between the cache invalidation and the write acknowledgement.",
        "Reward 0.2: the answer was correct but took eleven tool calls where three would have done.",
        "Cluster the support tickets by topic and report the five largest clusters with an example each.",
        "Restart the worker when its memory grows past two gigabytes and log the heap statistics first.",
        "why is the build slow",
        "Causal note: enabling the result cache reduced the median query time but increased memory by thirty percent.",
        "Read the PDF invoice, extract the total and the due date, and add them to the accounting sheet.",
        "The agent answered from stale context; the document had been updated an hour earlier.",
        "Compare the two pricing plans for a team of twelve people over three years.",
        "Skill: paginate through a REST API that returns a next cursor until the cursor is empty.",
        "Reflection: asking one clarifying question at the start would have avoided rewriting the report twice.",
        "list open pull requests older than a week, with their authors and the number of review comments, sorted by age",
    ];
}
