#!/usr/bin/env bash
# Checks retryd's alert rules and runs their unit tests: promtool from Debian's `prometheus` package.
# Also fails when an alert has no test showing it firing and one showing it quiet, so a new rule cannot go untested.
set -euo pipefail
cd "$(dirname "$0")"

promtool check rules --lint=all --lint-fatal retryd-alerts.yml
promtool test rules retryd-alerts.test.yml

# Each alert_rule_test names its alert, then lists exp_alerts: "[]" (quiet) or entries (firing).
untested=$(
    awk '
        FNR == NR && $1 == "-" && $2 == "alert:" { alerts[$3] = 1; next }
        FNR != NR && $1 == "alertname:" { name = $2 }
        FNR != NR && $1 == "exp_alerts:" { if ($2 == "[]") quiet[name] = 1; else firing[name] = 1 }
        END {
            for (alert in alerts) {
                if (!(alert in firing)) print alert " has no test where it fires"
                if (!(alert in quiet)) print alert " has no test where it stays quiet"
            }
        }
    ' retryd-alerts.yml retryd-alerts.test.yml
)
if [[ -n $untested ]]; then
    echo "$untested" >&2
    exit 1
fi
echo "every alert is tested firing and quiet"
