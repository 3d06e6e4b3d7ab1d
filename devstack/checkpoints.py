"""The stream pump's per-shard checkpoints: the last fully processed sequence number of
each shard, kept on disk (written atomically), so a restart goes on where it stopped."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("devstack.pump")


@dataclass
class ShardCheckpoint:
    """How far one shard has been processed."""

    sequence_number: str | None = None  # last record the handler fully processed
    finished: bool = False  # closed and read to its end


class CheckpointStore:
    """Per-shard checkpoints of one stream, in a JSON file replaced atomically.

    A crash at any moment leaves either the old or the new file, never a torn one; a
    checkpoint only ever moves after the handler succeeded, so at worst a batch is
    delivered again (at-least-once, as in AWS).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stream_arn: str | None = None
        self.shards: dict[str, ShardCheckpoint] = {}
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            # Unreadable means unknown progress: re-delivering is safe, skipping is not.
            log.error(
                "checkpoint file %s unreadable (%s): starting from the trim horizon",
                self.path,
                error,
            )
            return
        self.stream_arn = data.get("stream_arn")
        self.shards = {
            shard_id: ShardCheckpoint(state.get("sequence_number"), bool(state.get("finished")))
            for shard_id, state in data.get("shards", {}).items()
        }

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "stream_arn": self.stream_arn,
            "shards": {
                shard_id: {"sequence_number": state.sequence_number, "finished": state.finished}
                for shard_id, state in sorted(self.shards.items())
            },
        }
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        # The rename itself must reach the disk too.
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def reset(self, stream_arn: str) -> None:
        """Start over for a new stream (the table was recreated)."""
        self.stream_arn = stream_arn
        self.shards = {}
        self._save()

    def get(self, shard_id: str) -> ShardCheckpoint:
        """The checkpoint of a shard (empty if never processed)."""
        return self.shards.get(shard_id, ShardCheckpoint())

    def advance(self, shard_id: str, sequence_number: str) -> None:
        """Record that every record up to ``sequence_number`` is processed."""
        state = self.shards.setdefault(shard_id, ShardCheckpoint())
        state.sequence_number = sequence_number
        self._save()

    def finish(self, shard_id: str) -> None:
        """Record that a closed shard is read to its end (its children may start)."""
        state = self.shards.setdefault(shard_id, ShardCheckpoint())
        state.finished = True
        self._save()

    def forget_missing(self, live_shard_ids: set[str]) -> None:
        """Drop checkpoints of shards the stream no longer has (trimmed away)."""
        gone = set(self.shards) - live_shard_ids
        if gone:
            for shard_id in gone:
                del self.shards[shard_id]
            self._save()
