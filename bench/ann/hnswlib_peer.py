#!/usr/bin/python3
"""hnswlib peer of `agentdb bench ann`: builds an hnswlib index from .fvecs files and times an ef sweep.

Run by the C# harness (HnswlibCandidate) with Debian's interpreter, /usr/bin/python3, and the python3-hnswlib
package (bench/ann/run.sh installs it). It writes, per ef, the ids found as an .ivecs file in --work-dir, and one
JSON document to --json; the harness computes recall itself, exactly as for its in-process candidates.

Protocol (all keys always present; times in seconds, wall clock, time.perf_counter):
  {"library": "hnswlib", "version": "...", "M": 16, "ef_construction": 200, "threads": T,
   "build_seconds": s, "build_seconds_single_thread": s or null,
   "index_bytes": n, "memory_source": "...",
   "sweep": [{"ef": e, "seconds": s, "ids": "/path/to/ids-ef<e>.ivecs"}, ...]}
Exit status 0 on success; 2 on bad arguments or malformed input (message on stderr).
"""

import argparse
import json
import os
import sys
import time

import numpy as np

SPACES = {"cosine": "cosine", "l2": "l2", "dot": "ip"}


def fail(message):
    print(f"hnswlib_peer: error: {message}", file=sys.stderr)
    sys.exit(2)


def log(message):
    print(f"hnswlib_peer: {message}", file=sys.stderr, flush=True)


def read_fvecs(path):
    """Reads a TEXMEX .fvecs file: per vector an int32 little-endian dimension, then that many float32."""
    size = os.path.getsize(path)
    raw = np.fromfile(path, dtype="<i4")
    if size == 0:
        fail(f"{path}: the file is empty; it holds no vectors.")
    if raw.size == 0:
        fail(f"{path}: vector 0 (byte offset 0): is truncated: its dimension word has {size} of 4 bytes.")
    dim = int(raw[0])
    if dim < 1 or dim > 65536:
        fail(f"{path}: vector 0 (byte offset 0): declares dimension {dim}, outside 1..65536.")
    record = dim + 1
    whole = raw.size // record
    rows = raw[: whole * record].reshape(-1, record)
    # Every record before the first wrong header sits where it should, so that header's offset is exact.
    bad = np.nonzero(rows[:, 0] != dim)[0]
    if bad.size:
        i = int(bad[0])
        fail(f"{path}: vector {i} (byte offset {i * record * 4}): declares dimension {int(rows[i, 0])}, "
             f"but vector 0 declares {dim}.")
    if whole * record * 4 != size:
        fail(f"{path}: vector {whole} (byte offset {whole * record * 4}): is truncated.")
    return np.ascontiguousarray(rows[:, 1:].view("<f4"))


def write_ivecs(path, table):
    table = np.asarray(table, dtype="<i4")
    out = np.empty((table.shape[0], table.shape[1] + 1), dtype="<i4")
    out[:, 0] = table.shape[1]
    out[:, 1:] = table
    tmp = path + ".tmp"
    out.tofile(tmp)
    os.replace(tmp, path)


def library_version(hnswlib):
    """The module's own version and, when installed from Debian, the package's (they can differ)."""
    parts = []
    version = getattr(hnswlib, "__version__", None)
    if not version:
        try:
            from importlib import metadata
            version = metadata.version("hnswlib")
        except Exception:  # the Debian package may ship no distribution metadata
            version = None
    if version:
        parts.append(str(version))
    try:
        import subprocess
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-hnswlib"],
                             capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            parts.append(f"(Debian python3-hnswlib {out.stdout.strip()})")
    except OSError:
        pass
    return " ".join(parts) or "unknown"


def build(hnswlib, space, data, m, ef_construction, threads, seed):
    index = hnswlib.Index(space=space, dim=data.shape[1])
    index.init_index(max_elements=data.shape[0], ef_construction=ef_construction, M=m, random_seed=seed)
    ids = np.arange(data.shape[0], dtype=np.int64)
    start = time.perf_counter()
    index.add_items(data, ids, num_threads=threads)
    return index, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True)
    parser.add_argument("--query", required=True)
    parser.add_argument("--metric", required=True, choices=sorted(SPACES))
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--ef-list", default="16,32,64,128,256")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--M", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=200)
    parser.add_argument("--single-thread-build", choices=["yes", "no"], default="yes")
    parser.add_argument("--seed", type=int, default=100)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--json", required=True)
    args = parser.parse_args()

    try:
        ef_list = [int(x) for x in args.ef_list.split(",") if x.strip()]
    except ValueError:
        fail(f"--ef-list '{args.ef_list}' is not a comma-separated list of integers.")
    if not ef_list or min(ef_list) < 1:
        fail("--ef-list needs at least one positive integer.")
    if args.k < 1 or args.threads < 1:
        fail("--k and --threads must be positive.")

    try:
        import hnswlib
    except ImportError as error:
        fail(f"cannot import hnswlib ({error}); run bench/ann/run.sh, which installs python3-hnswlib.")

    base = read_fvecs(args.base)
    queries = read_fvecs(args.query)
    if base.shape[1] != queries.shape[1]:
        fail(f"base vectors have dimension {base.shape[1]}, queries {queries.shape[1]}.")
    os.makedirs(args.work_dir, exist_ok=True)
    space = SPACES[args.metric]
    log(f"{base.shape[0]} x {base.shape[1]} base, {queries.shape[0]} queries, space={space}, "
        f"M={args.M}, ef_construction={args.ef_construction}, threads={args.threads}")

    single = None
    if args.single_thread_build == "yes" and args.threads > 1:
        index, single = build(hnswlib, space, base, args.M, args.ef_construction, 1, args.seed)
        log(f"build on 1 thread: {single:.2f} s")
        del index
    index, seconds = build(hnswlib, space, base, args.M, args.ef_construction, args.threads, args.seed)
    log(f"build on {args.threads} threads: {seconds:.2f} s")
    if args.threads == 1 and args.single_thread_build == "yes":
        single = seconds

    # hnswlib reports no memory figure; its saved file is the graph and the vectors it holds in memory.
    index_path = os.path.join(args.work_dir, "hnswlib.index")
    index.save_index(index_path)
    index_bytes = os.path.getsize(index_path)
    os.remove(index_path)

    sweep = []
    k = min(args.k, base.shape[0])
    warmup = queries[: min(100, queries.shape[0])]
    for ef in ef_list:
        index.set_ef(max(ef, k))
        index.knn_query(warmup, k=k, num_threads=1)
        start = time.perf_counter()
        labels, _ = index.knn_query(queries, k=k, num_threads=1)
        elapsed = time.perf_counter() - start
        ids_path = os.path.join(args.work_dir, f"hnswlib-ids-ef{ef}.ivecs")
        write_ivecs(ids_path, labels.astype(np.int64))
        sweep.append({"ef": ef, "seconds": elapsed, "ids": os.path.abspath(ids_path)})
        log(f"ef={ef}: {queries.shape[0] / elapsed:.0f} queries/s on 1 thread")

    result = {
        "library": "hnswlib",
        "version": library_version(hnswlib),
        "M": args.M,
        "ef_construction": args.ef_construction,
        "threads": args.threads,
        "build_seconds": seconds,
        "build_seconds_single_thread": single,
        "index_bytes": index_bytes,
        "memory_source": "size of save_index file",
        "sweep": sweep,
    }
    tmp = args.json + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=2)
    os.replace(tmp, args.json)


if __name__ == "__main__":
    main()
