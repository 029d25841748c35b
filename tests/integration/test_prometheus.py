"""The dashboard and the alert rules against a real Prometheus scraping the real service."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import (
    PROJECT_ROOT,
    ServiceProcess,
    Topics,
    article,
    collect,
    create_topics,
    publish,
)

from service.kafka.broker import free_port

MONITORING = PROJECT_ROOT / "k8s" / "monitoring"
DASHBOARD = MONITORING / "dashboard.json"
RULES = MONITORING / "alerts.rules.yaml"
JOB = "entity-service"

pytestmark = pytest.mark.skipif(
    shutil.which("prometheus") is None or shutil.which("promtool") is None,
    reason="the prometheus and promtool binaries are not on PATH (apt-get install prometheus; "
    ".ci/run installs them)",
)

GOOD = [
    "Russian troops attacked the Ukrainian city of Kharkiv on Monday, officials in Kyiv said.",
    "President Biden condemned the attack and promised more military aid to Ukraine.",
    "The United Nations accused Israel of blocking aid convoys to Gaza on Tuesday.",
    "France and Germany signed an agreement in Berlin to cooperate on energy security.",
    "Police arrested twelve protesters in Nairobi after clashes with security forces.",
    "China warned Taiwan against any move toward independence, the foreign ministry said.",
]
BAD = [
    (b"bad-json", b"{this is not json"),
    (b"bad-empty", b'{"id": "bad-empty"}'),
    (b"bad-type", b'{"id": 5, "text": "an id must be a string"}'),
]


def articles(count: int) -> list[tuple[bytes, bytes]]:
    """Distinct articles made of the sentences above, so each carries entities and events."""
    return [
        article(f"obs-{i}", f"{GOOD[i % len(GOOD)]} {GOOD[(i + 1) % len(GOOD)]} Report {i}.")
        for i in range(count)
    ]


def wait_for(what: str, check: Callable[[], Any], timeout: float, every: float = 0.5) -> Any:
    """Poll `check` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


@dataclass
class PrometheusServer:
    """A real Prometheus on a free localhost port, scraping given targets every second."""

    workdir: Path
    targets: list[str]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> PrometheusServer:
        self.port = free_port()
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [
                {"job_name": JOB, "static_configs": [{"targets": self.targets}]},
            ],
        }
        config_path = self.workdir / "prometheus.yml"
        config_path.write_text(yaml.safe_dump(config))
        log = open(self.workdir / "prometheus.log", "wb")  # the child owns it
        self.process = subprocess.Popen(
            [
                "prometheus",
                f"--config.file={config_path}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                f"--storage.tsdb.path={self.workdir / 'data'}",
                "--log.level=warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for("Prometheus to be ready", self._ready, timeout, every=0.2)
        return self

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"prometheus exited: {self.log()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=2) as r:
                return bool(r.status == 200)
        except OSError:
            return False

    def api(self, path: str, **params: str) -> dict[str, Any]:
        query = urllib.parse.urlencode(params)
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}" + (f"?{query}" if query else "")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return dict(json.load(response))
        except urllib.error.HTTPError as exc:  # 400/422 carry the PromQL error as JSON
            return dict(json.load(exc))

    def query(self, expr: str) -> dict[str, Any]:
        return self.api("query", query=expr)

    def values(self, expr: str) -> list[float]:
        result = self.query(expr)
        assert result["status"] == "success", (expr, result)
        return [float(item["value"][1]) for item in result["data"]["result"]]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        path = self.workdir / "prometheus.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


@dataclass(frozen=True)
class Stack:
    """The service after a batch went through it, and the Prometheus that watched it."""

    service: ServiceProcess
    prometheus: PrometheusServer
    readyz_before_ready: list[int]
    published: int
    bad: int


def readyz_until_ready(service: ServiceProcess, timeout: float) -> list[int]:
    """Every /readyz status from process start until the first 200 (refused connections skipped)."""
    statuses: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert service.process is not None
        if service.process.poll() is not None:
            raise RuntimeError(f"service exited: {service.log()}")
        try:
            statuses.append(service.get("/readyz")[0])
        except OSError:
            pass
        if statuses and statuses[-1] == 200:
            return statuses
        time.sleep(0.1)
    raise AssertionError(f"service not ready within {timeout}s: {statuses[-5:]} {service.log()}")


@pytest.fixture(scope="module")
def stack(kafka: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Service (2 workers) and Prometheus up, 30 good and 3 bad articles processed and scraped."""
    topics = Topics.fresh()
    create_topics(kafka, topics)
    service = ServiceProcess(kafka, topics, workers=2).start(wait_ready=0)
    prometheus = PrometheusServer(tmp_path_factory.mktemp("prometheus"), [])
    try:
        statuses = readyz_until_ready(service, timeout=150)
        prometheus.targets = [f"127.0.0.1:{service.metrics_port}"]
        prometheus.start()
        selector = f'{{job="{JOB}"}}'
        wait_for(  # a first scrape at 0, or rate() would miss the whole batch
            "Prometheus to scrape the idle service",
            lambda: prometheus.values(f"sum(entity_articles_consumed_total{selector})") == [0],
            timeout=30,
        )
        messages = articles(30) + BAD
        publish(kafka, topics.input, messages)
        outputs = collect(kafka, [topics.output, topics.dlq], len(messages), timeout=120)
        assert len(outputs) == len(messages), service.log()
        wait_for(
            "Prometheus to scrape the final counts and a zero lag on all four partitions",
            lambda: (
                prometheus.values(f"sum(entity_articles_consumed_total{selector})")
                == [len(messages)]
                and prometheus.values(f"sum(entity_dead_letters_total{selector})") == [len(BAD)]
                and sorted(prometheus.values(f"entity_consumer_lag{selector}")) == [0.0] * 4
            ),
            timeout=60,
        )
        time.sleep(3)  # a few more scrapes, so every rate() window holds two samples or more
        yield Stack(service, prometheus, statuses, len(messages), len(BAD))
    finally:
        prometheus.stop()
        service.stop()


def dashboard_targets() -> list[tuple[str, str]]:
    """(panel title, expr) of every query in the dashboard, rows and nested panels included."""
    found: list[tuple[str, str]] = []

    def walk(panels: list[dict[str, Any]]) -> None:
        for panel in panels:
            for target in panel.get("targets", []):
                found.append((panel["title"], target["expr"]))
            walk(panel.get("panels", []))

    walk(json.loads(DASHBOARD.read_text())["panels"])
    return found


def substitute(expr: str) -> str:
    """Grafana's variables as a Prometheus query needs them: all instances and pods."""
    for name, value in (
        ("__rate_interval", "1m"),
        ("job", JOB),
        ("instance", ".*"),
        ("pod", ".*"),
    ):
        expr = expr.replace(f"${{{name}}}", value).replace(f"${name}", value)
    assert "$" not in expr, f"unknown variable left in {expr}"
    return expr


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


class TestDashboard:
    def test_every_panel_has_a_query(self) -> None:
        """No panel (rows aside) is left without a PromQL query."""
        panels = json.loads(DASHBOARD.read_text())["panels"]
        empty = [p["title"] for p in panels if p["type"] != "row" and not p.get("targets")]
        assert not empty
        assert len(dashboard_targets()) >= 20

    def test_datasource_and_filters_are_variables(self) -> None:
        """The datasource is a variable, and every query filters on $instance and $pod."""
        dashboard = json.loads(DASHBOARD.read_text())
        names = {v["name"] for v in dashboard["templating"]["list"]}
        assert {"datasource", "instance", "pod"} <= names
        for panel in dashboard["panels"]:
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        for title, expr in dashboard_targets():
            assert 'instance=~"$instance"' in expr and 'pod=~"$pod"' in expr, title

    def test_every_query_returns_data(self, stack: Stack) -> None:
        """Each dashboard query, run by Prometheus on the scraped service, returns series."""
        failures = []
        for title, expr in dashboard_targets():
            result = stack.prometheus.query(substitute(expr))
            if result.get("status") != "success" or not result["data"]["result"]:
                failures.append(f"{title}: {expr} -> {result}")
        assert not failures, "\n".join(failures)


class TestScrapedValues:
    def test_counts_merged_once_across_workers(self, stack: Stack) -> None:
        """Two workers' counters add up to exactly what was published, no more."""
        values = stack.prometheus.values
        job = f'job="{JOB}"'
        assert values(f"sum(entity_articles_consumed_total{{{job}}})") == [stack.published]
        assert values(f"sum(entity_records_published_total{{{job}}})") == [
            stack.published - stack.bad
        ]
        assert values(f"count(entity_worker_resident_memory_bytes{{{job}}})") == [2]
        assert values(f"sum(entity_consumer_assigned_partitions{{{job}}})") == [4]
        assert values(f"sum(entity_articles_in_flight{{{job}}})") == [0]

    def test_dead_letters_by_reason(self, stack: Stack) -> None:
        """Each kind of bad message is counted under its own error type."""
        result = stack.prometheus.query(f'entity_dead_letters_total{{job="{JOB}"}}')
        reasons = {
            item["metric"]["error_type"]: float(item["value"][1])
            for item in result["data"]["result"]
        }
        assert sum(reasons.values()) == stack.bad
        assert len(reasons) >= 2, reasons

    def test_entities_events_and_build_info(self, stack: Stack) -> None:
        """Entities by label, events by type and the model's build info reach Prometheus."""
        values = stack.prometheus.values
        assert values('sum(entity_entities_total{label="GPE"})')[0] > 0
        assert values("sum(entity_events_total)")[0] > 0
        info = stack.prometheus.query("entity_build_info")["data"]["result"]
        assert [item["metric"]["model"] for item in info] == ["en_core_web_sm"]

    def test_lag_is_zero_per_partition_once_processed(self, stack: Stack) -> None:
        """After the batch, every input partition reports lag 0 and age 0, never negative."""
        lags = stack.prometheus.values(f'entity_consumer_lag{{job="{JOB}"}}')
        ages = stack.prometheus.values(
            f'entity_consumer_oldest_unprocessed_age_seconds{{job="{JOB}"}}'
        )
        assert lags == [0.0] * 4
        assert ages == [0.0] * 4
        assert (
            stack.prometheus.values(f'min_over_time(entity_consumer_lag{{job="{JOB}"}}[5m]) < 0')
            == []
        )

    def test_commits_counted(self, stack: Stack) -> None:
        """Every processed batch was committed, and no commit failed."""
        values = stack.prometheus.values
        ok = values(f'sum(entity_consumer_commits_total{{job="{JOB}", result="ok"}})')[0]
        batches = values(f'sum(entity_batch_size_count{{job="{JOB}"}})')[0]
        assert ok == batches >= 1
        assert values(f'sum(entity_consumer_commits_total{{job="{JOB}", result="failed"}})') == [0]


class TestAlertRules:
    def test_promtool_accepts_the_rules(self) -> None:
        """`promtool check rules` passes on the plain rules file."""
        done = subprocess.run(
            ["promtool", "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def test_required_alerts_exist(self) -> None:
        """Lag growing, no progress, dead-letter ratio and service down are all covered."""
        names = {rule["alert"] for rule in alert_rules()}
        assert {
            "EntityServiceLagGrowing",
            "EntityServiceNoProgress",
            "EntityServiceDeadLetterRatioHigh",
            "EntityServiceDown",
        } <= names

    def test_every_alert_expression_evaluates(self, stack: Stack) -> None:
        """Each alert expression is valid PromQL that Prometheus evaluates on the live data."""
        for rule in alert_rules():
            result = stack.prometheus.query(rule["expr"])
            assert result["status"] == "success", (rule["alert"], result)

    def test_prometheus_loaded_and_evaluated_every_rule(self, stack: Stack) -> None:
        """Prometheus loaded the rules file and evaluates each rule without error."""
        expected = {rule["alert"] for rule in alert_rules()}

        def evaluated() -> dict[str, str]:
            groups = stack.prometheus.api("rules")["data"]["groups"]
            health = {
                rule["name"]: rule["health"]
                for group in groups
                for rule in group["rules"]
                if not rule["lastEvaluation"].startswith("0001")
            }
            return health if set(health) == expected else {}

        health = wait_for("every rule to be evaluated", evaluated, timeout=30)
        assert set(health.values()) == {"ok"}, health

    def test_no_alert_fires_on_a_healthy_service(self, stack: Stack) -> None:
        """Once the batch is processed, no alert but the dead-letter one has a firing series."""
        quiet = [r for r in alert_rules() if r["alert"] != "EntityServiceDeadLetterRatioHigh"]
        for rule in quiet:
            assert stack.prometheus.query(rule["expr"])["data"]["result"] == [], rule["alert"]

    def test_dead_letter_ratio_alert_sees_the_bad_share(self, stack: Stack) -> None:
        """The dead-letter ratio expression measures the bad share of what was consumed."""
        expr = next(
            r["expr"] for r in alert_rules() if r["alert"] == "EntityServiceDeadLetterRatioHigh"
        )
        ratio_expr = re.sub(r"\s*>\s*[0-9.]+\s*$", "", expr)
        (ratio,) = stack.prometheus.values(ratio_expr)
        assert ratio == pytest.approx(stack.bad / stack.published, rel=0.05)


class TestReadiness:
    def test_readyz_answers_503_before_ready_then_200(self, stack: Stack) -> None:
        """/readyz said 503 while the workers loaded spaCy, then 200."""
        statuses = stack.readyz_before_ready
        assert statuses[-1] == 200
        assert 503 in statuses[:-1], statuses
        assert set(statuses[:-1]) == {503}, statuses

    def test_healthz_and_metrics_answer(self, stack: Stack) -> None:
        """/healthz says 200 and /metrics serves every documented family."""
        assert stack.service.get("/healthz")[0] == 200
        status, body = stack.service.get("/metrics")
        assert status == 200
        text = body.decode()
        for family in (
            "entity_articles_consumed_total",
            "entity_records_published_total",
            "entity_dead_letters_total",
            "entity_article_processing_seconds_bucket",
            "entity_stage_seconds_bucket",
            "entity_batch_size_bucket",
            "entity_articles_in_flight",
            "entity_consumer_lag",
            "entity_consumer_oldest_unprocessed_age_seconds",
            "entity_consumer_commits_total",
            "entity_consumer_rebalances_total",
            "entity_consumer_assigned_partitions",
            "entity_entities_total",
            "entity_events_total",
            "entity_build_info",
            "entity_worker_cpu_seconds_total",
            "entity_worker_resident_memory_bytes",
            "entity_ready",
            "process_resident_memory_bytes",
            "faststream_received_messages_total",
            "faststream_published_messages_total",
        ):
            assert f"\n{family}" in text, family
