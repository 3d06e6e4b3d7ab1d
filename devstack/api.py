"""``python -m devstack.api``: the same Chalice app as in AWS, on Chalice's local server.

Started by the supervisor with the local stage's environment already set (endpoint,
key dir, site URL, fake credentials); ``app.py`` reads its settings on import, so it is
imported only here, after that.
"""

from __future__ import annotations

import argparse
import importlib
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from devstack.config import HOST, REPO_ROOT, DevstackConfig
from devstack.gateway import create_api_server


def chalice_config(repo_root: Path = REPO_ROOT) -> Any:
    """The ``local`` stage of ``.chalice/config.json``, as ``chalice local`` would load it."""
    from chalice.config import Config

    config_file = repo_root / ".chalice" / "config.json"
    from_disk = json.loads(config_file.read_text()) if config_file.exists() else {}
    return Config(
        chalice_stage="local",
        user_provided_params={"app_name": "logbook", "project_dir": str(repo_root)},
        config_from_disk=from_disk,
    )


def main(argv: list[str] | None = None) -> int:
    """Serve the API on 127.0.0.1 until SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m devstack.api")
    # Unused here but part of the command line: it tells this stack's processes apart.
    parser.add_argument("--local-dir", required=True, type=Path)
    parser.parse_args(argv)
    config = DevstackConfig.from_env()

    if str(config.repo_root) not in sys.path:
        sys.path.insert(0, str(config.repo_root))
    app = importlib.import_module("app").app
    # Answers as the deployed gateway gives them (401, 404, 405 in our shape, CORS), and
    # a listen backlog that holds a class submitting at once (devstack/gateway.py).
    server = create_api_server(app, chalice_config(config.repo_root), HOST, config.api_port)

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever to return, so never call it on that thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    server.server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
