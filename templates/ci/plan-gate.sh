#!/bin/sh
# The landing-zone policy gate for any CI system (GitLab CI, Azure Pipelines, Jenkins, a laptop):
# the same step as the `plan` job of templates/ci/github-actions.yml, as a plain POSIX script.
#
#   templates/ci/plan-gate.sh [LZ PLAN OPTIONS...]
#
# Plans every stack of the estate offline (`lz plan --all`), runs the policy pack over the plans
# and writes the reports to $LZ_GATE_OUT (default: lz-gate/):
#
#   lz.sarif     findings for code-scanning tools (SARIF 2.1.0)
#   lz.xml       JUnit XML: one test case per policy and stack, for CI test reports
#   summary.md   Markdown summary, for a merge-request comment or a job summary
#   plan.json    the planned estate
#
# Extra arguments go to `lz plan` unchanged (e.g. `--policy-config council-policy.yaml`).
# `lz` is $LZ if set, else `lz` on PATH, else .venv/bin/lz (as created by `python3 scripts/dev.py`).
#
# Exit codes, the same as `lz`:
#   0  the gate passed
#   1  mandatory policy violations: the change must not be deployed
#   2  bad input: invalid manifests or config, a program that fails, lz missing or failing otherwise
set -u

out=${LZ_GATE_OUT:-lz-gate}

if [ -n "${LZ:-}" ]; then
    lz=$LZ
elif command -v lz > /dev/null 2>&1; then
    lz=lz
elif [ -x .venv/bin/lz ]; then
    lz=.venv/bin/lz
else
    echo "plan-gate: lz not found (set LZ, put it on PATH, or run \`python3 scripts/dev.py setup\` to create .venv)" >&2
    exit 2
fi

if ! mkdir -p "$out"; then
    echo "plan-gate: cannot create the report directory $out" >&2
    exit 2
fi

"$lz" plan --all \
    --sarif "$out/lz.sarif" \
    --junit "$out/lz.xml" \
    --markdown "$out/summary.md" \
    --json "$out/plan.json" \
    "$@"
code=$?

if [ -f "$out/summary.md" ]; then
    cat "$out/summary.md"
fi

case $code in
    0)
        echo "plan-gate: passed; reports in $out/"
        ;;
    1)
        echo "plan-gate: FAILED: mandatory policy violations (details in $out/summary.md and $out/lz.sarif)" >&2
        ;;
    2)
        echo "plan-gate: ERROR: lz could not plan the estate (bad input); see the messages above" >&2
        ;;
    *)
        # Anything else (a crash, a signal) is not a verdict: report it as an error, never a pass.
        echo "plan-gate: ERROR: lz exited with $code; treated as an error (exit 2)" >&2
        code=2
        ;;
esac
exit "$code"
