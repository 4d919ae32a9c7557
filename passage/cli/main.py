"""The `passage` command."""

import argparse
import logging
import os
import signal
import socket
import sys
from types import FrameType
from typing import TYPE_CHECKING

from passage.config import Settings, SmsMode, get_settings
from passage.runtime.welcome import running_banner

if TYPE_CHECKING:
    from passage.runtime.processes import ProcessGroup


# Libraries that log request URLs at INFO or DEBUG. Our URLs name conversations
# (`/conversations/<id>/...`) and carry link tokens, so these stay at WARNING whatever the
# level of our own loggers.
QUIET_LOGGERS = ("httpx", "httpcore", "socketio", "engineio", "twilio", "urllib3")


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _serve(args: argparse.Namespace) -> int:
    settings = get_settings()
    _configure_logging(settings)
    if args.what == "api":
        import uvicorn

        uvicorn.run(
            "passage.runtime.api_app:api_app",
            factory=True,
            host=settings.host,
            port=args.port or settings.api_port,
            log_level=settings.log_level.lower(),
            # An access log line is a URL: SMS links carry a token in theirs.
            access_log=False,
            # The client address behind a load balancer: X-Forwarded-For, from these only.
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
        )
    elif args.what == "actions":
        from passage.runtime.action_server import serve_actions

        serve_actions(settings.host, args.port or settings.actions_port)
    elif args.what == "sms-sandbox":
        from passage.runtime.sandbox.server import run_sandbox

        run_sandbox(settings)
    else:
        from passage.runtime.worker import run_forever

        run_forever()
    return 0


def _db_upgrade(_args: argparse.Namespace) -> int:
    from sqlalchemy import make_url

    from passage.runtime.migrate import upgrade

    url = get_settings().resolved_database_url
    upgrade(url)
    print(f"Database is at the newest schema: {make_url(url).render_as_string(hide_password=True)}")
    return 0


def _rasa_domain(_args: argparse.Namespace) -> int:
    from passage.runtime.rasa_project import RasaProject

    print(RasaProject(get_settings()).write_domain())
    return 0


def _rasa_model(_args: argparse.Namespace) -> int:
    from passage.runtime.rasa_project import RasaProject

    print(RasaProject(get_settings()).ensure_model())
    return 0


def _needs_list(args: argparse.Namespace) -> int:
    import json

    from referral_directory.needs import NEEDS

    chosen = [n for n in NEEDS if args.level is None or n.level == args.level]
    if args.json:
        print(json.dumps([n.as_json() for n in chosen], ensure_ascii=False, indent=2))
        return 0
    for item in chosen:
        urgent = " (usually urgent)" if item.usually_urgent else ""
        print(f"{int(item.level)}  {item.id:<34} {item.label}{urgent}")
        print(f"   {'':<34} -> {', '.join(item.categories)}")
    return 0


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _ports_busy(host: str, ports: dict[str, int]) -> bool:
    busy = [f"{port} ({var})" for var, port in ports.items() if _port_in_use(host, port)]
    if busy:
        print(
            f"Port(s) in use by another program: {', '.join(busy)}. "
            "Stop it, or choose other ports with the variables named.",
            file=sys.stderr,
        )
    return bool(busy)


def _run(args: argparse.Namespace) -> int:
    from passage.cli.directory import load_demo_if_empty
    from passage.core.field_crypto import FieldCryptoError, current_keyring
    from passage.runtime.load_balancer import all_replica_ports
    from passage.runtime.migrate import upgrade
    from passage.runtime.processes import ProcessGroup, StartupFailed
    from passage.runtime.rasa_project import RasaProject
    from passage.runtime.scaled_profile import scaled_profile_problems
    from passage.runtime.stack import (
        AlreadyRunning,
        build_processes,
        exclusive_run,
        with_sandbox_if_needed,
    )
    from passage.runtime.welcome import demo_directory_present, demo_welcome

    settings = get_settings()
    if args.replicas is not None:
        settings = settings.model_copy(update={"replicas": args.replicas})
    problems = scaled_profile_problems(settings)
    if problems:
        print(
            f"Cannot start the scaled profile ({settings.replicas} of each process):",
            file=sys.stderr,
        )
        print("\n".join(f"- {problem}" for problem in problems), file=sys.stderr)
        print("docs/deployment.md says how to set up the scaled profile.", file=sys.stderr)
        return 1
    try:
        with exclusive_run(settings.var_dir):
            ports = {
                "PASSAGE_ACTIONS_PORT": settings.actions_port,
                "PASSAGE_RASA_PORT": settings.rasa_port,
                "PASSAGE_API_PORT": settings.api_port,
            }
            if settings.replicas > 1:
                ports |= all_replica_ports(settings)
            if _ports_busy(settings.host, ports):
                return 1
            # The data keys, before the migrations and processes need them: bad
            # PASSAGE_DATA_KEYS stop the start here, and a key file made now is the one every
            # process reads.
            current_keyring()
            upgrade(settings.resolved_database_url)
            fresh_demo = load_demo_if_empty()
            settings = with_sandbox_if_needed(settings, demo=demo_directory_present())
            if settings.sms_mode is SmsMode.SANDBOX and _ports_busy(
                "127.0.0.1", {"PASSAGE_SMS_SANDBOX_PORT": settings.sms_sandbox_port}
            ):
                return 1
            welcome = demo_welcome(settings, fresh_demo=fresh_demo)
            model = RasaProject(settings).ensure_model()
            group = ProcessGroup(build_processes(settings, model))
            return _supervise(group, settings, welcome)
    except AlreadyRunning as running:
        print(
            f"Passage is already running ({running}): the chat is at "
            f"http://{settings.host}:{settings.api_port}/ . Stop it with Ctrl-C in its terminal."
        )
        return 0
    except (StartupFailed, FieldCryptoError) as failure:
        print(f"Could not start Passage: {failure}", file=sys.stderr)
        return 1


def _supervise(group: "ProcessGroup", settings: Settings, welcome: list[str]) -> int:
    """Start the group, restart what exits (passage/runtime/supervision.py) until Ctrl-C or
    SIGTERM, or until one process exits too often (exit 1); then stop all."""
    from passage.runtime.supervision import Supervisor

    stopping = False

    def _request_stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)
    group.start_all(timeout=300, progress=lambda line: print(line, flush=True))
    print("\n".join(running_banner(settings, welcome)), flush=True)
    code = Supervisor(group).run(should_stop=lambda: stopping)
    print("Stopping ...", flush=True)
    group.stop_all()
    print("Stopped.", flush=True)
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="passage",
        description="Passage: consent, needs assessment and referrals for presumed victims of "
        "trafficking. Configuration comes from PASSAGE_* environment variables (see README).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run", help="start action server, Rasa, API and worker; stop all with Ctrl-C"
    )
    run.add_argument(
        "--replicas",
        type=int,
        choices=range(1, 9),
        metavar="N",
        help="start N (1-8) of each process behind nginx: the scaled profile, which needs "
        "PASSAGE_DATABASE_URL and PASSAGE_TRACKER_URL on PostgreSQL and PASSAGE_REDIS_URL "
        "(docs/deployment.md); default PASSAGE_REPLICAS, else 1",
    )
    run.set_defaults(handler=_run)

    serve = commands.add_parser("serve", help="run one process in the foreground")
    serve.add_argument(
        "what",
        choices=["api", "actions", "worker", "sms-sandbox"],
        help="which process (sms-sandbox: only as `passage run` starts it, without Twilio)",
    )
    serve.add_argument("--port", type=int, help="port to listen on (default from settings)")
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply the Alembic migrations").set_defaults(
        handler=_db_upgrade
    )

    needs = commands.add_parser("needs", help="the needs catalog of the assessment")
    needs_commands = needs.add_subparsers(dest="needs_command", required=True, metavar="ACTION")
    needs_list = needs_commands.add_parser(
        "list", help="list the 35 needs with level, label and service categories"
    )
    needs_list.add_argument("--json", action="store_true", help="print a JSON array")
    needs_list.add_argument(
        "--level",
        type=int,
        choices=[1, 2, 3],
        help="only this level: 1 basic, 2 services, 3 rights",
    )
    needs_list.set_defaults(handler=_needs_list)

    from passage.cli.directory import add_commands

    add_commands(commands)
    from passage.cli.users import add_commands as add_user_commands

    add_user_commands(commands)
    from passage.cli.referrals import add_commands as add_referral_commands

    add_referral_commands(commands)
    from passage.cli.audit import add_commands as add_audit_commands

    add_audit_commands(commands)
    from passage.cli.cases import add_commands as add_case_commands

    add_case_commands(commands)
    from passage.cli.retention import add_commands as add_retention_commands

    add_retention_commands(commands)
    from passage.cli.keys import add_commands as add_key_commands

    add_key_commands(commands)
    from passage.cli.translations import register as add_translation_commands

    add_translation_commands(commands)

    rasa = commands.add_parser("rasa", help="build the Rasa project from bot/ and the catalogs")
    rasa_commands = rasa.add_subparsers(dest="rasa_command", required=True, metavar="ACTION")
    rasa_commands.add_parser(
        "domain", help="write the domain with responses generated from translations/"
    ).set_defaults(handler=_rasa_domain)
    rasa_commands.add_parser(
        "model", help="train the model unless one for the current bot/ exists; print its path"
    ).set_defaults(handler=_rasa_model)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "port", None) is not None and not 1 <= args.port <= 65535:
        build_parser().error("--port must be between 1 and 65535")
    handler = args.handler
    try:
        return int(handler(args))
    except BrokenPipeError:
        # The reader went away (`passage needs list | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
