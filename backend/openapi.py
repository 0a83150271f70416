"""``python -m backend.openapi [PATH]``: write the OpenAPI document (default docs/openapi.json)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ._openapi import openapi_document


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "docs/openapi.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(openapi_document(), indent=2) + "\n")
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
