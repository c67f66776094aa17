"""Container images for the tests: built with podman on a base made from Debian's packages, and
kept between runs under tags that hash their inputs, so an unchanged tree builds nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
APP_INPUTS = ("pyproject.toml", "uv.lock", "README.md", "domain", "projections", "service")


class Unavailable(Exception):
    """This machine cannot build or run containers; the message says why."""


def env() -> dict[str, str]:
    return {**os.environ, "CONTAINERS_CONF": str(DEPLOY / "containers.conf")}


def podman(
    *args: str, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["podman", *args], env=env(), capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _digest(paths: Iterable[Path], *extra: str) -> str:
    h = hashlib.sha256("\n".join(extra).encode())
    for path in sorted(paths):
        if "__pycache__" in path.parts or path.suffix == ".pyc" or not path.is_file():
            continue
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def _files(*names: str) -> list[Path]:
    found: list[Path] = []
    for name in names:
        path = ROOT / name
        found += [path] if path.is_file() else list(path.rglob("*"))
    return found


def base() -> str:
    """The Python base image from Debian's packages (deploy/debian-base.sh), made if missing."""
    if os.geteuid() != 0:
        raise Unavailable("rootful podman needs root")
    missing = [tool for tool in ("podman", "debootstrap") if shutil.which(tool) is None]
    if missing:
        raise Unavailable(
            f"{' and '.join(missing)} not installed (apt-get install podman runc "
            "podman-compose debootstrap)"
        )
    made = subprocess.run(
        ["bash", str(DEPLOY / "debian-base.sh")],
        env=env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if made.returncode != 0:
        raise Unavailable("no base image from Debian's packages:\n" + made.stderr[-2000:])
    image = made.stdout.strip().splitlines()[-1]
    ran = podman("run", "--rm", "--network", "host", image, "true", check=False)
    if ran.returncode != 0:
        raise Unavailable("podman cannot run a container here:\n" + ran.stderr[-2000:])
    return image


def _build(tag: str, also: str, *args: str) -> str:
    """podman build unless `tag` exists; `also` names it for the Compose file. Older tags of the
    same repository go, and build layers unused for a day, so the cache stays bounded."""
    if podman("image", "exists", tag, check=False).returncode != 0:
        mounts = ["-v", f"{CA_BUNDLE}:{CA_BUNDLE}:ro"] if CA_BUNDLE.is_file() else []
        podman("build", "--network", "host", *mounts, "-t", tag, *args, timeout=900)
        podman("tag", tag, also)
        repository = tag.rsplit(":", 1)[0]
        listed = podman("images", "--format", "{{.Repository}}:{{.Tag}}", repository).stdout
        stale = [t for t in listed.split() if t.startswith(repository + ":test-") and t != tag]
        if stale:
            podman("rmi", *stale, check=False)
        podman("image", "prune", "--force", "--filter", "until=24h", check=False)
    podman("tag", tag, also)
    return tag


def app(base_image: str) -> str:
    """deploy/Dockerfile built on the Debian base."""
    inputs = _files(*APP_INPUTS, "deploy/Dockerfile", "deploy/Dockerfile.dockerignore")
    tag = f"localhost/trainees:test-{_digest(inputs, base_image)}"
    return _build(
        tag,
        "localhost/trainees:local",
        "--build-arg",
        f"PYTHON_IMAGE={base_image}",
        "-f",
        str(DEPLOY / "Dockerfile"),
        "--ignorefile",
        str(DEPLOY / "Dockerfile.dockerignore"),
        str(ROOT),
    )


def postgres(base_image: str) -> str:
    """deploy/postgres/Dockerfile: PostgreSQL from Debian's package, for the Compose file."""
    tag = f"localhost/trainees-postgres:test-{_digest(_files('deploy/postgres'), base_image)}"
    return _build(
        tag,
        "localhost/trainees-postgres:debian",
        "--build-arg",
        f"DEBIAN_IMAGE={base_image}",
        str(DEPLOY / "postgres"),
    )
