"""One ingest in a child process, for the crash tests in tests/test_index.py.

It embeds with the fake hashing model, slowed down by --delay seconds before every batch, and appends
"<done> <total>" to --progress after every batch that reached Chroma, so a test can SIGKILL it part-way.
Explainers are left out so the corpus is exactly the manifest's documents.

    python tests/helpers/ingest_worker.py --home H --sources S [--manifest M] [--delay 0.5] [--batch-size 8]
                                          [--progress FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout these tests belong to


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", required=True)
    parser.add_argument("--sources", required=True)
    parser.add_argument("--manifest")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--progress")
    args = parser.parse_args(argv)

    from ingest.corpus import load_corpus
    from ingest.embed import FAKE_MODEL, HashEmbedding
    from ingest.index import ingest
    from ingest.settings import Settings
    from ingest.sources import load_manifest

    class SlowHashEmbedding(HashEmbedding):
        delay: float = 0.0

        def get_text_embedding_batch(self, texts, show_progress=False, **kwargs):
            time.sleep(self.delay)
            return super().get_text_embedding_batch(texts, show_progress=show_progress, **kwargs)

    settings = Settings.from_env({"CLAUSEWISE_HOME": args.home, "CLAUSEWISE_SOURCES": args.sources})
    manifest = load_manifest(Path(args.manifest)) if args.manifest else None
    corpus = load_corpus(settings, strict=True, network=False, manifest=manifest, explainers=False)
    progress_file = open(args.progress, "a", encoding="utf-8") if args.progress else None

    def progress(done: int, total: int) -> None:
        if progress_file is not None:
            progress_file.write(f"{done} {total}\n")
            progress_file.flush()
            os.fsync(progress_file.fileno())

    report = ingest(corpus, settings, SlowHashEmbedding(model_name=FAKE_MODEL, delay=args.delay),
                    batch_size=args.batch_size, progress=progress)
    print(json.dumps(asdict(report)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
