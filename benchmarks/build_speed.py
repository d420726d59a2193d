"""Time a full build of a generated blog of N posts, and a rebuild after one post is edited.

Usage: python benchmarks/build_speed.py [N]   (default 10000). Prints per-stage timings.
The brief's yardsticks on this 2-core machine: Hugo ~7 s and Pelican ~59 s for 10,000 posts.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sbuv_site.build import build
from sbuv_site.municipalities import load_registry

PARAGRAPH = ("Under besöket diskuterades samverkan mellan skola och socialtjänst, kompetensförsörjning "
             "och hur barnets perspektiv tas till vara i utredningar. ")


def make_site(root: Path, count: int) -> None:
    names = [m.name for m in load_registry().municipalities]
    (root / "config.yaml").write_text("base_url: https://example.org/\n", encoding="utf-8")
    posts = root / "content" / "posts"
    posts.mkdir(parents=True)
    for i in range(count):
        body = "\n\n".join([PARAGRAPH * 3, f"## Rubrik {i}", PARAGRAPH * 2, "- punkt ett\n- punkt två",
                            f"En länk till [kartan](/karta/) och *betoning* nummer {i}."])
        (posts / f"post-{i:05d}.md").write_text(
            f"---\ntitle: Inlägg nummer {i}\ndate: {2015 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
            f"municipality: {names[i % len(names)]}\ntags: [tagg{i % 40}, tema{i % 7}]\n---\n\n{body}\n",
            encoding="utf-8")


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_site(root, count)
        start = time.perf_counter()
        report = build(root)
        full = time.perf_counter() - start
        print(f"full build of {count} posts: {full:.2f} s, {report.files} files")
        print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items()))
        edited = root / "content/posts/post-00000.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\nEtt tillägg.\n", encoding="utf-8")
        start = time.perf_counter()
        build(root)
        print(f"rebuild after editing one post: {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
