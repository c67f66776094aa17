"""A Python client generated from a served OpenAPI document with openapi-python-client, as a
provider's developer would make one, imported under a package name of its own."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import httpx

CONFIG = "post_hooks: []\nproject_name_override: {name}\npackage_name_override: {name}\n"


class GeneratedClient:
    """The generated package of one version: its models and operation modules by name."""

    def __init__(self, package: str) -> None:
        self.package = importlib.import_module(package)
        self.name = package

    def model(self, name: str) -> type:
        models = importlib.import_module(f"{self.name}.models")
        kind: type = getattr(models, name)
        return kind

    def api(self, operation: str) -> ModuleType:
        return importlib.import_module(f"{self.name}.api.default.{operation}")

    def client(self, base_url: str, token: str) -> object:
        return self.package.AuthenticatedClient(base_url=base_url, token=token, timeout=30)


def generate(base_url: str, version: str, into: Path) -> GeneratedClient:
    """Fetch the version's document from the service, generate its client and import it."""
    name = "register_" + re.sub(r"\W", "_", version)
    into.mkdir(parents=True, exist_ok=True)
    document = into / f"{version}.json"
    document.write_bytes(httpx.get(f"{base_url}/api-docs/{version}/openapi.json").content)
    config = into / f"{version}.yaml"
    config.write_text(CONFIG.format(name=name))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(document),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(into / name),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout, done.stdout  # nothing of the document was skipped
    if str(into) not in sys.path:
        sys.path.insert(0, str(into))
    return GeneratedClient(name)
