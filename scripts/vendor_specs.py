"""Copy Twilio's OpenAPI spec files into the repository as compressed test data.

The conformance checks (tests/spec_check.py) read ``tests/data/twilio-oai/*.json.gz`` so that a
fresh clone needs nothing beside it. Run this when moving to a newer upstream commit::

    python scripts/vendor_specs.py /path/to/twilio-oai/spec/json --commit <sha> --date YYYY-MM-DD

It writes each file byte-for-byte (gzip, with a fixed timestamp so the output is reproducible)
and rewrites SOURCE.md. Copy the upstream LICENSE file next to them yourself if it changed.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

FILES = (
    "twilio_flex_v1.json",
    "twilio_conversations_v1.json",
    "twilio_taskrouter_v1.json",
    "twilio_studio_v2.json",
    "twilio_messaging_v1.json",
    "twilio_api_v2010.json",
)
DEST = Path(__file__).resolve().parent.parent / "tests" / "data" / "twilio-oai"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder holding Twilio's spec JSON files")
    parser.add_argument("--commit", required=True, help="upstream twilio/twilio-oai commit SHA")
    parser.add_argument("--date", required=True, help="date of that commit (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    DEST.mkdir(parents=True, exist_ok=True)
    lines = []
    for name in FILES:
        raw = (args.source / name).read_bytes()
        json.loads(raw)  # refuse a truncated or non-JSON file before writing anything
        (DEST / f"{name}.gz").write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
        lines.append(f"| `{name}` | {len(raw):,} | `{hashlib.sha256(raw).hexdigest()}` |")
    (DEST / "SOURCE.md").write_text(
        SOURCE.format(commit=args.commit, date=args.date, rows="\n".join(lines))
    )
    print(f"wrote {len(FILES)} specs to {DEST}")
    return 0


SOURCE = """# Source

Unmodified copies of Twilio's official OpenAPI 3.0.1 specs, gzip-compressed, from the public
repository `twilio/twilio-oai`, folder `spec/json/`, commit `{commit}` ({date}).
`LICENSE` is that repository's root licence file (MIT, Copyright (C) 2023 Twilio, Inc.); each
spec's own `info.license` field says "Apache 2.0".

They are test data only: tests/spec_check.py checks the requests flexconv sends and the responses
the emulator returns against them. Regenerate with `scripts/vendor_specs.py`.

| file | bytes (uncompressed) | sha256 (uncompressed) |
|---|---|---|
{rows}
"""

if __name__ == "__main__":
    sys.exit(main())
