using System.Buffers.Binary;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace AgentDb.Failover;

/// <summary>
/// Where a cluster member keeps its Raft state across restarts (<c>DIR/raft</c>), so a member restarted within a term
/// cannot vote twice in it. DotNext 6.12 does the persisting itself: its <see cref="WriteAheadLog"/> (with a no-op state
/// machine — no data of ours goes through Raft) writes the term and the vote to <c>DIR/raft/state</c> with write-through
/// I/O before the call that changed them returns, so before the vote is answered. (<see cref="ConsensusOnlyState"/>
/// keeps them in memory only, is sealed, and <see cref="IPersistentState"/> cannot be implemented outside DotNext: its
/// <c>ConfigurationStorage</c> setter is internal.) DotNext's state file carries no checksum, so this store adds checks
/// of its own before DotNext opens it: the file must have DotNext's layout (37 bytes: a vote flag of 0 or 1, the member
/// voted for, the term), and its term must not be below <see cref="RaftStateFile"/>'s checksummed floor (the term last
/// seen, recorded by <see cref="RecordTerm"/>); a missing state file where a floor exists is refused too. A refusal is
/// an <see cref="InvalidDataException"/> naming the file — never a silent restart at a lower term.
/// </summary>
public static class RaftStateStore
{
    /// <summary>The directory's name inside a data directory.</summary>
    public const string DirectoryName = "raft";

    /// <summary>DotNext's state file inside the directory.</summary>
    public const string StateFileName = "state";

    /// <summary>The size of DotNext 6.12's state file: a vote flag (1 byte), the member voted for (28), the term (8).</summary>
    public const int StateFileSize = 37;

    /// <summary>What an operator can do when a member refuses to start on a damaged Raft state.</summary>
    internal const string RefusalAdvice =
        "The member does not start: restarting at a lower term could let it vote twice in one term. To start it anyway, " +
        "keep it stopped for longer than the election timeout while the others elect (so the cluster's term moves past " +
        "any vote it cast), then remove the Raft state directory (docs/REPLICATION.md, \"Raft state on disk\").";

    private const int TermOffset = 29;

    /// <summary>
    /// Checks and opens the Raft state in <paramref name="directory"/> (created when missing) and raises its term to
    /// <paramref name="minimumTerm"/> (the epoch the member's log reached) when below. The caller owns the result
    /// (dispose it after the cluster stopped).
    /// </summary>
    /// <exception cref="InvalidDataException">The state is damaged or lost (see the class remarks); the message names the file.</exception>
    /// <exception cref="IOException">The directory cannot be read or written.</exception>
    public static async Task<WriteAheadLog> OpenAsync(string directory, long minimumTerm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var floor = Check(directory);
        var log = new WriteAheadLog(new WriteAheadLog.Options { Location = directory }, IStateMachine.CreateNoOp(1024));
        try
        {
            IPersistentState state = log;
            var target = Math.Max(minimumTerm, floor ?? 0);
            if (state.Term < target)
            {
                await state.UpdateTermAsync(target, resetLastVote: true, cancellationToken).ConfigureAwait(false);
            }
            RecordTerm(directory, state.Term);
            return log;
        }
        catch
        {
            await log.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Checks DotNext's state file in <paramref name="directory"/> against the term floor without opening it: null when
    /// neither exists (a new member), else the floor.
    /// </summary>
    /// <exception cref="InvalidDataException">The state file is malformed, lost while a floor exists, or below the floor.</exception>
    public static long? Check(string directory)
    {
        var statePath = Path.Combine(directory, StateFileName);
        var floorPath = Path.Combine(directory, RaftStateFile.FileName);
        var floor = RaftStateFile.Load(floorPath);
        if (!File.Exists(statePath))
        {
            return floor is null
                ? null
                : throw new InvalidDataException($"The Raft state file '{statePath}' is missing but '{floorPath}' records term {floor}. {RefusalAdvice}");
        }
        var bytes = File.ReadAllBytes(statePath);
        if (bytes.Length != StateFileSize)
        {
            throw new InvalidDataException($"The Raft state file '{statePath}' is damaged: it has {bytes.Length} bytes, not {StateFileSize}. {RefusalAdvice}");
        }
        if (bytes[0] > 1)
        {
            throw new InvalidDataException($"The Raft state file '{statePath}' is damaged: vote flag {bytes[0]} at offset 0 is neither 0 nor 1. {RefusalAdvice}");
        }
        var term = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(TermOffset));
        if (term < 0 || term < (floor ?? 0))
        {
            throw new InvalidDataException(
                $"The Raft state file '{statePath}' is damaged: term {term} at offset {TermOffset} is below the {floor ?? 0} recorded in '{floorPath}'. {RefusalAdvice}");
        }
        return floor ?? term;
    }

    /// <summary>Raises the term floor in <paramref name="directory"/> to <paramref name="term"/> (a term DotNext already persisted).</summary>
    /// <exception cref="IOException">The record cannot be written.</exception>
    public static void RecordTerm(string directory, long term) => RaftStateFile.Save(Path.Combine(directory, RaftStateFile.FileName), term);
}
