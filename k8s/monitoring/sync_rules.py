"""Rewrite prometheusrule.yaml so its spec carries the groups of alerts.rules.yaml."""

from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
HEADER = (
    "# Generated from alerts.rules.yaml (same groups); regenerate after editing that file:\n"
    "#   .venv/bin/python k8s/monitoring/sync_rules.py\n"
)


def main() -> None:
    """Write the PrometheusRule for the Prometheus Operator from the plain rule file."""
    groups = yaml.safe_load((HERE / "alerts.rules.yaml").read_text())["groups"]
    rule = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": "entity-service",
            "labels": {"app.kubernetes.io/name": "entity-service"},
        },
        "spec": {"groups": groups},
    }
    text = yaml.safe_dump(rule, sort_keys=False, width=100, allow_unicode=True)
    (HERE / "prometheusrule.yaml").write_text(HEADER + text)


if __name__ == "__main__":
    main()
