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

from casework.heartbeat import latest_heartbeat, worker_id_of
from passage.config import Settings, SmsMode, make_engine
from passage.config.process_keys import RELAYED_CHANNELS, channel_token, chat_key
from passage.config.service_tokens import action_server_token, rasa_api_token
from passage.core.field_crypto import KEY_FILE_NAME, keyring_from
from passage.runtime.load_balancer import ReplicaPorts, load_balancer_process, replica_ports
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


def _worker_beats_since(settings: Settings, worker_pid: int, started: datetime) -> bool:
    from sqlalchemy.orm import Session

    engine = make_engine(settings.resolved_database_url, pool_size=1)
    try:
        with Session(engine) as session:
            beat = latest_heartbeat(session, worker_id_of(worker_pid))
    except Exception:  # the table may be locked or not there yet; ask again shortly
        return False
    finally:
        engine.dispose()
    return beat is not None and beat >= started - timedelta(seconds=1)


def _worker_process(
    settings: Settings, env: dict[str, str], logs: Path, suffix: str
) -> ManagedProcess:
    """Healthy once it has beaten since its latest start (after a restart too); with several
    workers, each by its own heartbeat."""
    worker = ManagedProcess(
        name=f"worker{suffix}",
        command=_passage_command("serve", "worker"),
        env=env,
        log_file=logs / f"worker{suffix.replace(' ', '-')}.log",
        is_healthy=lambda: False,
    )
    worker.is_healthy = lambda: (
        worker.started_at is not None
        and worker.popen is not None
        and _worker_beats_since(settings, worker.popen.pid, worker.started_at)
    )
    return worker


def _rasa_tracker_url(settings: Settings) -> str:
    """The tracker database as Rasa's SQLAlchemy 1.4 names it: its PostgreSQL driver is
    psycopg2 (`postgresql://`), the app's is psycopg 3 (`postgresql+psycopg://`)."""
    url = settings.resolved_tracker_url
    scheme, _, rest = url.partition("://")
    return f"{scheme.split('+')[0]}://{rest}"


def _rasa_env(settings: Settings, names: tuple[str, ...]) -> dict[str, str]:
    host = settings.host
    rasa_env = rasa_environment()
    rasa_env["ACTION_SERVER_URL"] = f"http://{host}:{settings.actions_port}/webhook"
    # Tokens reach the children through their environment only (never a command line): Rasa's
    # launcher hands the first to `--auth-token`; endpoints.yml puts the second on each call to
    # the action server.
    rasa_env["PASSAGE_RASA_API_TOKEN"] = rasa_api_token(settings)
    rasa_env["PASSAGE_ACTION_SERVER_TOKEN"] = action_server_token(settings)
    rasa_env["PASSAGE_TRACKER_DB"] = str(settings.resolved_tracker_db.resolve())
    if settings.scaled:
        rasa_env["PASSAGE_TRACKER_URL"] = _rasa_tracker_url(settings)
        rasa_env["PASSAGE_REDIS_URL"] = settings.redis_url
        # Rasa's own default is 50 + 100 connections per replica; PostgreSQL allows 100 in all.
        rasa_env["SQL_POOL_SIZE"] = str(settings.database_pool_size)
        rasa_env["SQL_MAX_OVERFLOW"] = str(settings.database_pool_size)
        # How long a replica that died holding a conversation keeps it locked: the message it
        # was handling goes to another replica after this (api/rasa_relay.py), within the
        # relay's 30 s. A turn takes about a second; Rasa's default is 60 s.
        rasa_env["TICKET_LOCK_LIFETIME"] = "20"
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
    return rasa_env


def _endpoints_file(settings: Settings) -> Path:
    """Embedded: the tracker in SQLite, conversations locked in memory. Scaled: the tracker in
    PostgreSQL, conversations locked in Redis across the Rasa replicas."""
    return BOT_DIR / ("endpoints.scaled.yml" if settings.scaled else "endpoints.yml")


def _server(
    settings: Settings,
    name: str,
    model: Path,
    ports: ReplicaPorts,
    envs: tuple[dict[str, str], dict[str, str]],
    suffix: str,
) -> ManagedProcess:
    host, logs = settings.host, settings.var_dir / "log"
    app_env, rasa_env = envs
    log_name = suffix.replace(" ", "-")
    if name == "actions":
        return ManagedProcess(
            name=f"action server{suffix}",
            command=_passage_command("serve", "actions", "--port", str(ports.actions)),
            env=app_env,
            log_file=logs / f"actions{log_name}.log",
            is_healthy=http_ok(f"http://{host}:{ports.actions}/health"),
            url=f"http://{host}:{ports.actions}",
        )
    if name == "rasa":
        rasa_url = f"http://{host}:{ports.rasa}"
        token = rasa_env["PASSAGE_RASA_API_TOKEN"]
        return ManagedProcess(
            name=f"Rasa server{suffix}",
            command=rasa_command(
                settings,
                "run",
                "--enable-api",
                "--interface",
                host,
                "--port",
                str(ports.rasa),
                "--model",
                str(model),
                "--credentials",
                str(BOT_DIR / "credentials.yml"),
                "--endpoints",
                str(_endpoints_file(settings)),
            ),
            env=rasa_env,
            log_file=logs / f"rasa{log_name}.log",
            # /status names the loaded model only once the model is ready to answer.
            is_healthy=http_ok(
                f"{rasa_url}/status?{urlencode({'token': token})}",
                lambda r: r.is_success and bool(r.json().get("model_file")),
            ),
            url=rasa_url,
        )
    if name == "api":
        return ManagedProcess(
            name=f"API and web chat{suffix}",
            command=_passage_command("serve", "api", "--port", str(ports.api)),
            env=app_env,
            log_file=logs / f"api{log_name}.log",
            is_healthy=http_ok(f"http://{host}:{ports.api}/health"),
            url=f"http://{host}:{ports.api}",
        )
    return _worker_process(settings, app_env, logs, suffix)


def _app_env(settings: Settings) -> dict[str, str]:
    app_env = _app_environment(settings)
    # The API, the worker and the action server read their tokens from settings.
    app_env["PASSAGE_RASA_API_TOKEN"] = rasa_api_token(settings)
    app_env["PASSAGE_ACTION_SERVER_TOKEN"] = action_server_token(settings)
    return app_env


def replica_process(settings: Settings, model: Path, name: str, index: int) -> ManagedProcess:
    """Replica `index` (from 1) of one kind of process of the scaled profile, on its own port:
    to start again one that stopped."""
    envs = (_app_env(settings), _rasa_env(settings, (name,)))
    return _server(settings, name, model, replica_ports(settings, index), envs, f" {index}")


def build_processes(
    settings: Settings, model: Path, names: tuple[str, ...] = ALL_PROCESSES
) -> list[ManagedProcess]:
    """The processes to start, in order. Embedded profile: one of each on the front ports.
    Scaled (settings.replicas > 1): nginx on the front ports, then every replica of each."""
    app_env = _app_env(settings)
    envs = (app_env, _rasa_env(settings, names))
    chosen: list[ManagedProcess] = []
    if settings.replicas == 1:
        front = ReplicaPorts(settings.actions_port, settings.rasa_port, settings.api_port)
        chosen = [_server(settings, name, model, front, envs, "") for name in names]
    else:
        if set(names) & {"actions", "rasa", "api"}:
            chosen.append(load_balancer_process(settings, app_env))
        for name in names:
            for i in range(1, settings.replicas + 1):
                replica = _server(settings, name, model, replica_ports(settings, i), envs, f" {i}")
                replica.wave = name  # the replicas of one kind start side by side
                chosen.append(replica)
    if settings.sms_mode is SmsMode.SANDBOX and "worker" in names:
        # Before the API and the worker, which send to it and read from it.
        chosen.insert(0, _sandbox_process(settings, app_env, settings.var_dir / "log"))
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
