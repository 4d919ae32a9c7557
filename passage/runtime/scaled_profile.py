"""What the scaled profile needs before `passage run --replicas N` starts anything: PostgreSQL
for the app and for Rasa's tracker, Redis, and nginx. Each problem is one line naming the
setting to change, so an operator is never left with a stack half up."""

import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from passage.config import Settings
from passage.runtime.load_balancer import all_replica_ports


def _postgres_problem(variable: str, url: str) -> str | None:
    if not url:
        return f"{variable} is not set (postgresql://user@host:5432/name)."
    try:
        parsed = make_url(url)
    except ArgumentError:
        return f"{variable} is not a database URL."
    if parsed.get_backend_name() != "postgresql":
        return (
            f"{variable} must name a PostgreSQL database (postgresql://user@host:5432/name): "
            "replicas cannot share SQLite files."
        )
    engine = create_engine(
        parsed.set(drivername="postgresql+psycopg"), connect_args={"connect_timeout": 3}
    )
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        first = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        where = parsed.render_as_string(hide_password=True)
        return f"{variable}: PostgreSQL does not answer at {where}: {first}"
    finally:
        engine.dispose()
    return None


def _redis_problem(url: str) -> str | None:
    if not url:
        return (
            "PASSAGE_REDIS_URL is not set (redis://host:6379/0): Rasa's replicas lock "
            "conversations there."
        )
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as error:
        return f"PASSAGE_REDIS_URL: Redis does not answer: {type(error).__name__}: {error}"
    return None


def scaled_profile_problems(settings: Settings) -> list[str]:
    """Empty when the settings can run the scaled profile, or are not for it."""
    if not settings.scaled:
        return []
    found = [
        _postgres_problem("PASSAGE_DATABASE_URL", settings.database_url),
        _postgres_problem("PASSAGE_TRACKER_URL", settings.tracker_url),
        _redis_problem(settings.redis_url),
    ]
    too_high = [name for name, port in all_replica_ports(settings).items() if port > 65535]
    if too_high:
        found.append(f"Replica ports past 65535 ({', '.join(too_high)}): lower those settings.")
    if settings.replicas > 1 and not settings.nginx_executable.is_file():
        found.append(
            f"nginx, the load balancer, is not at {settings.nginx_executable}: install Debian's "
            "nginx-light package, or set PASSAGE_NGINX_EXECUTABLE."
        )
    return [problem for problem in found if problem]
