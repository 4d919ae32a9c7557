"""nginx in front of the replicas of the scaled profile: the shipped configuration
(deploy/nginx.conf.j2) rendered with the replicas' ports, and the process that runs it."""

import grp
import os
import pwd
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from passage.config import Settings
from passage.runtime.processes import ManagedProcess, http_ok

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "deploy"
TEMPLATE_NAME = "nginx.conf.j2"
# Replica i (1, 2, ...) of a process listens on its front port + i * REPLICA_PORT_STEP; nginx
# takes the front ports. 100 keeps the three front ports' replicas apart (5005, 5055, 8000).
REPLICA_PORT_STEP = 100


@dataclass(frozen=True)
class ReplicaPorts:
    actions: int
    rasa: int
    api: int


def replica_ports(settings: Settings, index: int) -> ReplicaPorts:
    """Where replica `index` (from 1) of each server listens."""
    step = REPLICA_PORT_STEP * index
    return ReplicaPorts(
        settings.actions_port + step, settings.rasa_port + step, settings.api_port + step
    )


def all_replica_ports(settings: Settings) -> dict[str, int]:
    """Every replica's port, named by the setting it follows (for the ports-in-use check)."""
    named: dict[str, int] = {}
    for index in range(1, settings.replicas + 1):
        ports = replica_ports(settings, index)
        step = REPLICA_PORT_STEP * index
        named |= {
            f"PASSAGE_ACTIONS_PORT + {step}": ports.actions,
            f"PASSAGE_RASA_PORT + {step}": ports.rasa,
            f"PASSAGE_API_PORT + {step}": ports.api,
        }
    return named


def run_dir(settings: Settings) -> Path:
    return (settings.var_dir / "run" / "nginx").absolute()


def _worker_user() -> str:
    """Whom nginx's workers run as when it is started by root: the owner of var/ (us); ""
    otherwise, as nginx then runs everything as its starter."""
    if os.geteuid() != 0:
        return ""
    return f"{pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name}"


def render_config(settings: Settings) -> str:
    replicas = [replica_ports(settings, i) for i in range(1, settings.replicas + 1)]
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        undefined=StrictUndefined,
        autoescape=False,  # noqa: S701  (an nginx configuration, not HTML; values are ours)
        keep_trailing_newline=True,
    )
    return environment.get_template(TEMPLATE_NAME).render(
        user=_worker_user(),
        worker_processes=2,
        run_dir=run_dir(settings),
        log_dir=(settings.var_dir / "log").absolute(),
        host=settings.host,
        api_port=settings.api_port,
        rasa_port=settings.rasa_port,
        actions_port=settings.actions_port,
        api_ports=[r.api for r in replicas],
        rasa_ports=[r.rasa for r in replicas],
        actions_ports=[r.actions for r in replicas],
        api_body_limit=settings.max_request_bytes,
    )


def write_config(settings: Settings) -> Path:
    directory = run_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    (settings.var_dir / "log").mkdir(parents=True, exist_ok=True)
    path = directory / "nginx.conf"
    path.write_text(render_config(settings), encoding="utf-8")
    return path


def load_balancer_process(settings: Settings, env: dict[str, str]) -> ManagedProcess:
    config = write_config(settings)
    return ManagedProcess(
        name="load balancer (nginx)",
        command=[str(settings.nginx_executable), "-p", str(config.parent), "-c", str(config)],
        env=env,
        log_file=settings.var_dir / "log" / "nginx-stdout.log",
        is_healthy=http_ok(
            f"http://{settings.host}:{settings.api_port}/.load-balancer/health",
            lambda r: r.status_code == 204,
        ),
        url=f"http://{settings.host}:{settings.api_port}",
    )
