"""The shared story index on a real Redis: ms per article and memory per indexed article.

Usage:  redis-server --port 6390 --save '' --appendonly no &
        python bench/story_index.py --redis-url redis://127.0.0.1:6390/0 [--articles 2000]

Indexes distinct random texts (no story joins: the worst case for memory) in batches of 32
under the index's lock, as a worker does, and prints the median ms per article and the Redis
`used_memory` growth per article. Flushes the keys it wrote (its own prefix) at the end.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from service.stories import RedisStoryIndex, StoryQuery
from service.stories.fingerprint import fingerprint

PREFIX = "bench-story-index"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    words = [f"w{n}" for n in range(20_000)]
    rng = random.Random(1)
    signatures = [fingerprint(" ".join(rng.choices(words, k=400))) for _ in range(args.articles)]
    index = RedisStoryIndex.from_url(
        args.redis_url, timeout_s=5, window_s=3600, containment=0.5, prefix=PREFIX
    )
    client = index.client
    before = int(client.info("memory")["used_memory"])
    per_article = []
    for start in range(0, args.articles, args.batch):
        batch = [
            StoryQuery(f"article-{n:08d}", signatures[n])
            for n in range(start, min(start + args.batch, args.articles))
        ]
        started = time.perf_counter()
        index.assign(batch)
        per_article.append((time.perf_counter() - started) * 1000 / len(batch))
    grown = int(client.info("memory")["used_memory"]) - before
    print(
        f"story_index redis ms_per_article_median={statistics.median(per_article):.2f} "
        f"bytes_per_article={grown / args.articles:.0f} articles={args.articles} "
        f"batch={args.batch}"
    )
    for key in client.scan_iter(f"{PREFIX}:*", count=1000):
        client.delete(key)
    index.close()


if __name__ == "__main__":
    main()
