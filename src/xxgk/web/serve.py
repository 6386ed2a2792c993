"""``xxgk serve``: the desk on a local address, owning its store until it stops."""

from __future__ import annotations

from pathlib import Path
from typing import Callable


def run(db: str | Path, host: str = "127.0.0.1", port: int = 8000, jobs: int = 2, echo: Callable[[str], None] = print) -> None:
    import uvicorn

    from ..store import holder
    from .app import create_app
    from .desk import Desk

    desk = Desk(db, jobs=jobs)
    url = f"http://{host}:{port}/"
    holder.claim(db, url)
    try:
        config = uvicorn.Config(create_app(desk), host=host, port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
        server = uvicorn.Server(config)
        echo(f"审阅台已启动：{url}（数据库 {db}；按 Ctrl-C 停止）  review desk at {url}")
        server.run()
    finally:
        desk.close()
        holder.release(db)
