"""The deployment descriptions, tested without a container engine or a cluster (issue 13,
prod, point 2): the Kubernetes manifests are rendered with `kubectl kustomize` and
validated offline against the Kubernetes 1.37 schemas (kubernetes-validate --strict), and
the rules of docs/operations.md are checked in the rendered YAML; the Containerfile and the
Makefile run the one install script (scripts/install.sh), which itself runs here."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
KUBECTL = BIN / "kubectl"
VALIDATE = BIN / "kubernetes-validate"
OVERLAY = BASE_DIR / "deploy" / "k8s" / "overlays" / "example"


def _render(path=OVERLAY) -> str:
    result = subprocess.run(
        [str(KUBECTL), "kustomize", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _validate(rendered: str, tmp_path) -> subprocess.CompletedProcess:
    manifest = tmp_path / "rendered.yaml"
    manifest.write_text(rendered)
    return subprocess.run(
        [str(VALIDATE), "--strict", "--kubernetes-version", "1.37", str(manifest)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def rendered() -> str:
    return _render()


@pytest.fixture(scope="module")
def resources(rendered) -> dict:
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in yaml.safe_load_all(rendered) if doc}


def _pod(resource) -> dict:
    return resource["spec"]["template"]["spec"]


WORKLOADS = [
    ("Deployment", "regie-web"),
    ("Deployment", "regie-worker"),
    ("Deployment", "regie-beat"),
    ("Job", "regie-migrate"),
]


def test_rendered_manifests_are_valid_kubernetes(rendered, tmp_path):
    result = _validate(rendered, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" passed for resource ") == len([d for d in yaml.safe_load_all(rendered) if d])


def test_the_validator_refuses_a_field_kubernetes_does_not_know(rendered, tmp_path):
    """--strict is what catches a misspelt field (a test that can fail)."""
    broken = rendered.replace("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true", 1)
    assert broken != rendered
    result = _validate(broken, tmp_path)
    assert result.returncode != 0 and "readOnlyRootFileSystem" in result.stdout + result.stderr


def test_every_part_is_there(resources):
    kinds = sorted(resources)
    for expected in [
        *WORKLOADS,
        ("Service", "regie-web"),
        ("Ingress", "regie-web"),
        ("PodDisruptionBudget", "regie-web"),
        ("PodDisruptionBudget", "regie-worker"),
        ("ConfigMap", "regie-config"),
        ("PersistentVolumeClaim", "regie-private-media"),
    ]:
        assert expected in resources, kinds
    assert {doc["metadata"].get("namespace") for doc in resources.values()} == {"regie-twente"}


def test_web_has_replicas_probes_and_a_disruption_budget(resources):
    web = resources[("Deployment", "regie-web")]
    assert web["spec"]["replicas"] >= 2
    container = _pod(web)["containers"][0]
    assert container["command"][:3] == ["gunicorn", "-c", "config/gunicorn.py"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health"  # database, Redis, worker heartbeat
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"  # neither database nor Redis
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):  # probes send an allowed host
        assert {"name": "Host", "value": "localhost"} in container[probe]["httpGet"]["httpHeaders"]
    assert "localhost" in resources[("ConfigMap", "regie-config")]["data"]["ALLOWED_HOSTS"].split(",")
    assert web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pdb = resources[("PodDisruptionBudget", "regie-web")]
    assert pdb["spec"]["minAvailable"] >= 1
    assert pdb["spec"]["selector"]["matchLabels"] == web["spec"]["selector"]["matchLabels"]
    service = resources[("Service", "regie-web")]
    assert service["spec"]["selector"] == web["spec"]["selector"]["matchLabels"]
    ingress = resources[("Ingress", "regie-web")]
    assert ingress["spec"]["rules"][0]["host"] == "regie.twente.example.nl"  # the overlay's host
    assert ingress["spec"]["tls"][0]["secretName"]


def test_worker_scales_and_beat_is_one_recreated_pod(resources):
    worker = resources[("Deployment", "regie-worker")]
    assert worker["spec"]["replicas"] >= 2
    assert _pod(worker)["containers"][0]["command"][:5] == ["celery", "-q", "-A", "config", "worker"]
    beat = resources[("Deployment", "regie-beat")]
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"] == {"type": "Recreate"}
    assert _pod(beat)["containers"][0]["command"][:5] == ["celery", "-q", "-A", "config", "beat"]


def test_only_the_migration_job_gets_the_owner_role(resources):
    job = resources[("Job", "regie-migrate")]
    container = _pod(job)["containers"][0]
    assert container["command"] == ["python", "manage.py", "migrate", "--noinput"]
    owner = [e for e in container.get("env", []) if e["name"] == "DATABASE_OWNER_URL"]
    assert owner and owner[0]["valueFrom"]["secretKeyRef"]["name"] == "regie-db-owner"
    for kind, name in WORKLOADS[:3]:
        assert "regie-db-owner" not in yaml.safe_dump(resources[(kind, name)]), name


@pytest.mark.parametrize("workload", WORKLOADS, ids=[name for _kind, name in WORKLOADS])
def test_every_workload_is_locked_down_and_sized(resources, workload):
    pod = _pod(resources[workload])
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert pod["automountServiceAccountToken"] is False
    tmp_volumes = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
    for container in pod["containers"]:
        context = container["securityContext"]
        assert context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False
        assert context["capabilities"]["drop"] == ["ALL"]
        assert {m["mountPath"] for m in container["volumeMounts"] if m["name"] in tmp_volumes} >= {"/tmp"}
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][kind]), (container["name"], kind)
        # settings by reference only: the ConfigMap and the Secret, never a literal secret
        assert {"configMapRef": {"name": "regie-config"}} in container["envFrom"]
        assert {"secretRef": {"name": "regie-secrets"}} in container["envFrom"]


SECRET_NAMES = re.compile(r"SECRET|KEY|TOKEN|PASSWORD|DATABASE.*URL|REDIS_URL|EMAIL_URL", re.IGNORECASE)


def test_no_secret_value_is_written_in_the_manifests(resources):
    for (kind, name), doc in resources.items():
        assert kind != "Secret", name  # Secrets are created outside git
        if kind == "ConfigMap":
            assert not [key for key in doc["data"] if SECRET_NAMES.search(key)], name
        if kind in ("Deployment", "Job"):
            for container in _pod(doc)["containers"]:
                for variable in container.get("env", []):
                    if SECRET_NAMES.search(variable["name"]):
                        assert "value" not in variable and "secretKeyRef" in variable["valueFrom"], variable


# --- the image and the install script --------------------------------------------------

CONTAINERFILE = (BASE_DIR / "Containerfile").read_text()


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Containerfile, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in joined.splitlines() if line.strip()]


def test_containerfile_pins_its_base_and_runs_as_a_non_root_user():
    instructions = _instructions(CONTAINERFILE)
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", CONTAINERFILE, re.MULTILINE).group(1)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", base), base
    froms = [args for name, args in instructions if name == "FROM"]
    assert froms and all(args.split()[0] == "${PYTHON_IMAGE}" for args in froms), froms
    users = [args for name, args in instructions if name == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root"), users
    assert instructions[-1][0] == "CMD" and "config/gunicorn.py" in instructions[-1][1]


def test_containerfile_installs_with_the_install_script_and_bakes_in_no_secret():
    runs = [args for name, args in _instructions(CONTAINERFILE) if name == "RUN"]
    steps = " ".join(re.findall(r"scripts/install\.sh ([a-z ]+)", " ".join(runs)))
    assert set(steps.split()) == {"python", "deduce", "npm", "messages"}, steps
    assert not [r for r in runs if re.search(r"pip install|npm ci|compilemessages", r)]  # only through the script
    assert "REQUIREMENTS=requirements.txt" in " ".join(runs)  # the pinned runtime packages
    for name, args in _instructions(CONTAINERFILE):
        if name in ("ENV", "ARG"):
            assert not SECRET_NAMES.search(args.split("=")[0] + " " + args), args
    dummy = [r for r in runs if "SECRET_KEY=" in r]
    assert len(dummy) == 1 and "collectstatic" in dummy[0] and "build-only-dummy" in dummy[0]
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert {".venv", "node_modules", ".data", ".env", ".git"} <= set(ignored)


def test_make_setup_runs_the_same_install_script():
    makefile = (BASE_DIR / "Makefile").read_text()
    recipes = [line.strip() for line in makefile.splitlines() if line.startswith("\t")]
    setup = " ".join(r for r in recipes if "$(INSTALL)" in r)
    assert re.search(r"^INSTALL := .*scripts/install\.sh$", makefile, re.MULTILINE)
    assert {"python", "deduce", "npm", "messages"} <= set(setup.replace("@", "").split())
    assert not [r for r in recipes if re.search(r"pip install|npm ci|compilemessages|deduce\.Deduce", r)]


def test_install_script_runs_a_step_and_refuses_an_unknown_one(tmp_path):
    env = {**os.environ, "VENV": str(Path(sys.executable).parent.parent)}
    ran = subprocess.run(
        ["bash", "scripts/install.sh", "messages"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    assert (BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.mo").stat().st_size > 0
    unknown = subprocess.run(["bash", "scripts/install.sh", "nonsense"], cwd=BASE_DIR, capture_output=True, text=True)
    assert unknown.returncode == 2 and "unknown step: nonsense" in unknown.stderr
