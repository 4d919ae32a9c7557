"""The whole assistant as processes: action server, Rasa server, API and worker."""

import fcntl
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

from casework.heartbeat import latest_heartbeat
from passage.config import Settings, SmsMode, make_engine
from passage.config.process_keys import RELAYED_CHANNELS, channel_token, chat_key
from passage.config.service_tokens import action_server_token, rasa_api_token
from passage.core.field_crypto import KEY_FILE_NAME, keyring_from
from passage.runtime.processes import ManagedProcess, http_ok
from passage.runtime.rasa_project import BOT_DIR, rasa_environment

ALL_PROCESSES = ("actions", "rasa", "api", "worker")
_RASA_LAUNCHER = Path(__file__).with_name("rasa_launcher.py")


def with_sandbox_if_needed(settings: Settings, *, demo: bool) -> Settings:
    """Settings that start the phone sandbox: no Twilio account is configured, and the sandbox
    is switched on, or left to decide and the database holds the demo directory (a real
    deployment's providers never get their SMS in a sandbox). The token reaches the child
    processes only."""
    wanted = settings.sms_sandbox if settings.sms_sandbox is not None else demo
    if settings.sms_mode is not SmsMode.OFF or not wanted:
        return settings
    return settings.model_copy(update={"sms_sandbox_token": secrets.token_urlsafe(32)})


def _passage_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "passage.cli", *args]


def tracker_key_environment(settings: Settings) -> dict[str, str]:
    """What Rasa's tracker store (bot/encrypted_tracker_store.py) reads its keys from: the app's
    data keys, or the app's key file, made here first when missing so Rasa never makes one."""
    key_file = (settings.var_dir / KEY_FILE_NAME).absolute()
    keyring_from(settings.data_keys, key_file)  # checks the keys; makes the file if needed
    return {"PASSAGE_DATA_KEYS": settings.data_keys, "PASSAGE_DATA_KEY_FILE": str(key_file)}


def rasa_interpreter(rasa_executable: Path) -> Path:
    """The Python of the `rasa` command: its script's #! line, else the `python` beside it."""
    try:
        with rasa_executable.open("rb") as script:
            first = script.readline(4096)
    except OSError:
        first = b""
    if first.startswith(b"#!"):
        shebang = first[2:].decode(errors="replace").strip().split()
        if shebang and Path(shebang[0]).name.startswith("python") and Path(shebang[0]).exists():
            return Path(shebang[0])
    return rasa_executable.with_name("python")


def rasa_command(settings: Settings, *args: str) -> list[str]:
    """`rasa <args>` with the HTTP API token added by rasa_launcher.py from the environment
    (PASSAGE_RASA_API_TOKEN), so that it never shows on the command line."""
    return [str(rasa_interpreter(settings.rasa_executable)), str(_RASA_LAUNCHER), *args]


def _app_environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(settings.as_environment())
    env["RASA_TELEMETRY_ENABLED"] = "false"
    return env


def _worker_beats_since(settings: Settings, started: datetime) -> bool:
    from sqlalchemy.orm import Session

    engine = make_engine(settings.resolved_database_url)
    try:
        with Session(engine) as session:
            beat = latest_heartbeat(session)
    except Exception:  # the table may be locked or not there yet; ask again shortly
        return False
    finally:
        engine.dispose()
    return beat is not None and beat >= started - timedelta(seconds=1)


def _worker_process(settings: Settings, env: dict[str, str], logs: Path) -> ManagedProcess:
    """Healthy once it has beaten since its latest start (after a restart too)."""
    worker = ManagedProcess(
        name="worker",
        command=_passage_command("serve", "worker"),
        env=env,
        log_file=logs / "worker.log",
        is_healthy=lambda: False,
    )
    worker.is_healthy = lambda: (
        worker.started_at is not None and _worker_beats_since(settings, worker.started_at)
    )
    return worker


def build_processes(
    settings: Settings, model: Path, names: tuple[str, ...] = ALL_PROCESSES
) -> list[ManagedProcess]:
    host, logs = settings.host, settings.var_dir / "log"
    app_env = _app_environment(settings)
    rasa_env = rasa_environment()
    rasa_env["ACTION_SERVER_URL"] = f"http://{host}:{settings.actions_port}/webhook"
    # Tokens reach the children through their environment only (never a command line): Rasa's
    # launcher hands the first to `--auth-token`; endpoints.yml puts the second on each call to
    # the action server. The API, the worker and the action server read theirs from settings.
    api_token, actions_token = rasa_api_token(settings), action_server_token(settings)
    rasa_env["PASSAGE_RASA_API_TOKEN"] = api_token
    rasa_env["PASSAGE_ACTION_SERVER_TOKEN"] = actions_token
    app_env["PASSAGE_RASA_API_TOKEN"] = api_token
    app_env["PASSAGE_ACTION_SERVER_TOKEN"] = actions_token
    rasa_env["PASSAGE_TRACKER_DB"] = str(settings.resolved_tracker_db.resolve())
    if "rasa" in names:
        rasa_env.update(tracker_key_environment(settings))
    rasa_env["PASSAGE_CHAT_MESSAGE_MAX_CHARS"] = str(settings.chat_message_max_chars)
    key = chat_key(settings)
    for channel in RELAYED_CHANNELS:
        variable = f"PASSAGE_{channel.upper()}_CHANNEL"
        rasa_env[f"{variable}_PUSH_URL"] = (
            f"http://{host}:{settings.api_port}/channels/{channel}/push"
        )
        rasa_env[f"{variable}_TOKEN"] = channel_token(key, channel)
    available = {
        "actions": ManagedProcess(
            name="action server",
            command=_passage_command("serve", "actions", "--port", str(settings.actions_port)),
            env=app_env,
            log_file=logs / "actions.log",
            is_healthy=http_ok(f"http://{host}:{settings.actions_port}/health"),
            url=f"http://{host}:{settings.actions_port}",
        ),
        "rasa": ManagedProcess(
            name="Rasa server",
            command=rasa_command(
                settings,
                "run",
                "--enable-api",
                "--interface",
                host,
                "--port",
                str(settings.rasa_port),
                "--model",
                str(model),
                "--credentials",
                str(BOT_DIR / "credentials.yml"),
                "--endpoints",
                str(BOT_DIR / "endpoints.yml"),
            ),
            env=rasa_env,
            log_file=logs / "rasa.log",
            # /status names the loaded model only once the model is ready to answer.
            is_healthy=http_ok(
                f"{settings.resolved_rasa_url}/status?{urlencode({'token': api_token})}",
                lambda r: r.is_success and bool(r.json().get("model_file")),
            ),
            url=settings.resolved_rasa_url,
        ),
        "api": ManagedProcess(
            name="API and web chat",
            command=_passage_command("serve", "api", "--port", str(settings.api_port)),
            env=app_env,
            log_file=logs / "api.log",
            is_healthy=http_ok(f"http://{host}:{settings.api_port}/health"),
            url=f"http://{host}:{settings.api_port}",
        ),
        "worker": _worker_process(settings, app_env, logs),
    }
    chosen = [available[name] for name in names]
    if settings.sms_mode is SmsMode.SANDBOX and "worker" in names:
        # Before the API and the worker, which send to it and read from it.
        chosen.insert(0, _sandbox_process(settings, app_env, logs))
    return chosen


def _sandbox_process(settings: Settings, env: dict[str, str], logs: Path) -> ManagedProcess:
    return ManagedProcess(
        name="phone sandbox",
        command=_passage_command("serve", "sms-sandbox"),
        env=env,
        log_file=logs / "sms-sandbox.log",
        is_healthy=http_ok(f"{settings.sms_sandbox_url}/sandbox/health"),
        url=settings.sms_sandbox_url,
    )


class AlreadyRunning(RuntimeError):
    pass


@contextmanager
def exclusive_run(var_dir: Path) -> Iterator[None]:
    """Hold var/run.lock while the stack runs; the OS releases it if we die."""
    var_dir.mkdir(parents=True, exist_ok=True)
    lock_path = var_dir / "run.lock"
    handle: IO[str] = lock_path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise AlreadyRunning(handle.read().strip() or "another `passage run`") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()
