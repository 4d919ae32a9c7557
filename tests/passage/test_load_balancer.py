"""The shipped nginx configuration (deploy/nginx.conf.j2) as `passage run --replicas N`
renders it: nginx itself accepts it, and it sends each front port to that process's replicas."""

import re
import subprocess
from pathlib import Path

import pytest

from passage.config import Settings
from passage.runtime.load_balancer import all_replica_ports, render_config, write_config

NGINX = Path("/usr/sbin/nginx")


def _scaled(tmp_path: Path, replicas: int = 2) -> Settings:
    return Settings(
        var_dir=tmp_path / "var",
        replicas=replicas,
        api_port=8000,
        rasa_port=5005,
        actions_port=5055,
    )


def _upstream(config: str, name: str) -> list[str]:
    block = re.search(r"upstream " + name + r" \{(.*?)\}", config, re.S)
    assert block is not None, name
    return re.findall(r"server (\S+) ", block.group(1))


def test_each_front_port_spreads_over_that_process_replicas(tmp_path: Path) -> None:
    config = render_config(_scaled(tmp_path, replicas=3))

    assert _upstream(config, "passage_api") == [
        "127.0.0.1:8100",
        "127.0.0.1:8200",
        "127.0.0.1:8300",
    ]
    assert _upstream(config, "passage_rasa") == [
        "127.0.0.1:5105",
        "127.0.0.1:5205",
        "127.0.0.1:5305",
    ]
    assert _upstream(config, "passage_actions") == [
        "127.0.0.1:5155",
        "127.0.0.1:5255",
        "127.0.0.1:5355",
    ]
    for front in ("8000", "5005", "5055"):
        assert f"listen 127.0.0.1:{front};" in config
    # The web chat's socket.io upgrade passes through.
    assert "proxy_set_header Upgrade $http_upgrade;" in config
    assert "access_log off;" in config


def test_replica_ports_are_named_by_the_setting_they_follow(tmp_path: Path) -> None:
    ports = all_replica_ports(_scaled(tmp_path))

    assert ports["PASSAGE_API_PORT + 200"] == 8200
    assert ports["PASSAGE_RASA_PORT + 100"] == 5105
    assert len(ports) == 6


@pytest.mark.skipif(not NGINX.is_file(), reason="Debian's nginx-light is not installed")
def test_nginx_accepts_the_rendered_configuration(tmp_path: Path) -> None:
    path = write_config(_scaled(tmp_path))

    checked = subprocess.run(
        [str(NGINX), "-t", "-p", str(path.parent), "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
