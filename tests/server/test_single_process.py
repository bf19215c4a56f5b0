"""SQLite stays one process: a second `python main.py` on the same data dir refuses to start, naming the file,
and a first process killed with SIGKILL leaves nothing behind that blocks the restart (an OS lock, not a pid file)."""
import os
import subprocess
import sys
from pathlib import Path

from tests.support.live import ROOT, free_port, live_server
from tests.support.mailbox import Mailbox


def test_a_second_process_on_one_sqlite_file_exits_and_a_killed_one_never_blocks_the_restart(
        tmp_path: Path, mailbox: Mailbox) -> None:
    data_dir = tmp_path / 'data'
    env = {'TRAVELPACK_SMTP_HOST': '127.0.0.1', 'TRAVELPACK_SMTP_PORT': str(mailbox.port),
           'TRAVELPACK_SMTP_STARTTLS': 'false'}  # no database URL: the default SQLite file in the data dir
    with live_server(data_dir, env=env) as first:
        port = free_port()
        second = subprocess.run(
            [sys.executable, str(ROOT / 'main.py')], cwd=data_dir, capture_output=True, text=True, timeout=120,
            env={**_plain_environment(), **env, 'TRAVELPACK_DATA_DIR': str(data_dir), 'TRAVELPACK_PORT': str(port),
                 'TRAVELPACK_HOST': '127.0.0.1'})
        assert second.returncode != 0
        assert str((data_dir / 'travelpack.db').resolve()) in second.stderr
        assert 'Uvicorn running' not in second.stdout + second.stderr  # it never listened
        first.process.kill()  # SIGKILL: no shutdown handler releases anything
        first.process.wait()
    with live_server(data_dir, env=env) as restarted:
        assert restarted.process.poll() is None


def _plain_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'NICEGUI_', 'TRAVELPACK_'))}
