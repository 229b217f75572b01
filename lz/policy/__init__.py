"""The policy gate: run the CrossGuard pack (policies/) offline over planned stacks.

* `analyzer`    the pack's own analyzer servicer, called in-process as the Pulumi engine calls it
* `graph`       the gate's light record of a planned stack, and the plan stream it is read from
* `exceptions`  the exceptions register: approved, time-limited waivers from the manifests
* `evaluate`    `evaluate_stack(plan)`: findings of one stack, waivers applied
* `sarif`, `junit`, `markdown`  the results as GitHub code scanning, CI test and PR comment text
* `catalogue`   docs/policies.md from the pack's metadata

Modules are imported on use; this package imports nothing heavy.
"""
