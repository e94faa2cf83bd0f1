namespace AgentDb.Log;

/// <summary>A half-open range [From, To) of FASTER log addresses.</summary>
internal readonly record struct LogAddressRange(long From, long To);
