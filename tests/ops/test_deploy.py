"""The deployment files: valid manifests, commands the CLI knows, settings the service reads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from service.cli import parser

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def settings_read() -> set[str]:
    """Every environment variable the service reads."""
    names: set[str] = set()
    for module in ("service/config.py", "service/cli/admin.py"):
        names |= set(re.findall(r'"((?:TRAINEES_|DATABASE_)[A-Z_]+)"', (ROOT / module).read_text()))
    return names


def containers() -> list[dict[str, Any]]:
    found = []
    for path in MANIFESTS:
        for doc in documents(path):
            spec = doc.get("spec", {})
            pod = spec.get("template", {}).get("spec", {})
            found += pod.get("containers", [])
    return found


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize("version", ["1.29.0", "1.37.0"])
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_kubernetes_manifests_match_the_schemas(path, version):
    for doc in documents(path):
        kubernetes_validate.validate(doc, version, strict=True)


def test_the_kustomization_lists_every_manifest_but_the_example_secret():
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(p.name for p in MANIFESTS if p.name != "secret.example.yaml")


def test_pods_run_as_non_root_with_config_and_secret_from_the_environment():
    names = {d["metadata"]["name"] for p in MANIFESTS for d in documents(p)}
    for container in containers():
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert {
            ref.get("configMapRef", ref.get("secretRef"))["name"] for ref in container["envFrom"]
        } <= names


def test_the_api_is_probed_on_the_endpoints_it_serves():
    from service.observability.probes import PROBES

    served = {path for handler in PROBES for path in handler.paths}
    (api,) = [c for c in containers() if c["name"] == "api"]
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert {"/healthz", "/readyz", "/metrics"} <= served


def test_every_configured_variable_is_a_setting_the_service_reads():
    configured = set((documents(K8S / "configmap.yaml")[0])["data"])
    configured |= set(compose()["x-trainees"]["environment"])
    configured |= set(documents(K8S / "secret.example.yaml")[0]["stringData"])
    assert configured <= settings_read()


def test_every_setting_is_documented_in_the_readme_configuration_table():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert {name for name in settings_read() if f"`{name}`" not in table} == set()


def test_every_command_the_deployment_runs_is_one_the_cli_knows():
    commands = [c["args"] for c in containers()]
    commands += [s["command"] for s in compose()["services"].values() if "command" in s]
    cmd = re.search(r"^CMD (\[.*\])$", (DEPLOY / "Dockerfile").read_text(), re.M)
    assert cmd is not None
    commands.append(json.loads(cmd.group(1)))
    assert len(commands) == 7
    for args in commands:
        assert callable(parser().parse_args(args).run)


def test_compose_runs_postgres_migration_api_and_worker_in_order():
    services = compose()["services"]
    assert set(services) == {"postgres", "migrate", "api", "worker"}
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert services[name]["image"] == services["migrate"]["image"]
    build = services["api"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == DEPLOY / "Dockerfile"


def test_the_image_is_built_from_the_lock_file_and_runs_as_a_user_without_build_tools():
    stages = re.split(r"^FROM ", (DEPLOY / "Dockerfile").read_text(), flags=re.M)[1:]
    assert len(stages) == 2
    build, final = stages
    assert "uv sync --frozen --no-dev" in build and "COPY pyproject.toml uv.lock" in build
    assert "COPY --from=build /app/.venv /app/.venv" in final
    assert re.search(r"^USER 10001", final, re.M)
    for tool in ("uv ", "gcc", "build-essential", "-dev "):
        assert tool not in final
