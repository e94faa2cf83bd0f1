using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Provenance;

/// <summary>One record a retrieval returned, as a certificate names it: where it lives and the hash of its content.</summary>
/// <param name="Kind">The kind of memory (which store).</param>
/// <param name="Shard">The store's shard (0 unless reflexion is partitioned by session).</param>
/// <param name="Collection">The collection in that store.</param>
/// <param name="Id">The record's id.</param>
/// <param name="ContentHash">SHA-256 of the record's content, see <see cref="RecallCertificate.HashContent"/>.</param>
public sealed record CertifiedItem(MemoryKind Kind, int Shard, string Collection, string Id, byte[] ContentHash);
