"""`clausewise add` in a child process with a slow fake embedder, for the user-collection crash test.

    python tests/helpers/add_worker.py --home H --file F [--delay 2.0]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()

    from ingest.embed import FAKE_MODEL, HashEmbedding
    from ingest.settings import Settings
    from ingest.userdocs import UserStore, reindex_user

    class Slow(HashEmbedding):
        delay: float = 0.0

        def get_text_embedding_batch(self, texts, show_progress=False, **kwargs):
            time.sleep(self.delay)
            return super().get_text_embedding_batch(texts, show_progress=show_progress, **kwargs)

    settings = Settings.from_env({"CLAUSEWISE_HOME": args.home, "CLAUSEWISE_EMBED_MODEL": FAKE_MODEL})
    store = UserStore(settings)
    path = Path(args.file)
    info, doc = store.prepare(path.name, path.read_bytes())
    reindex_user(settings, Slow(model_name=FAKE_MODEL, delay=args.delay), FAKE_MODEL, extra=[doc])
    store.commit(info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
