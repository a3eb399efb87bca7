"""Apply the generated configuration to Retell with the official client.

    RETELL_API_KEY=... PUBLIC_BASE_URL=https://... python -m prompts.push [--llm-id llm_...]

Without ``--llm-id`` (or RETELL_LLM_ID) a new Retell LLM is created; with it, that LLM is
updated. Prints the LLM id.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from retell import Retell

from prompts.retell_config import configured_business, llm_config, public_base_url


def push(client: Retell, config: dict[str, Any], llm_id: str | None) -> str:
    response = client.llm.update(llm_id, **config) if llm_id else client.llm.create(**config)
    return str(response.llm_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--llm-id", default=os.environ.get("RETELL_LLM_ID"))
    options = parser.parse_args()
    api_key = os.environ.get("RETELL_API_KEY")
    if not api_key:
        raise SystemExit("Set RETELL_API_KEY")
    llm_id = push(
        Retell(api_key=api_key),
        llm_config(public_base_url(), configured_business()),
        options.llm_id,
    )
    print(llm_id)  # noqa: T201 - the command's output


if __name__ == "__main__":
    main()
