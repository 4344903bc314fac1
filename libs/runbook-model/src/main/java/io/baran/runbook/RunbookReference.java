package io.baran.runbook;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The runbook reference ({@code docs/runbook-reference.md}), generated from the {@link ActionCatalog} and
 * the provider types, so the documentation lists exactly the actions and fields the parser accepts.
 */
public final class RunbookReference {

    /** A complete runbook using every part of the format; the reference shows it and a test parses it. */
    public static final String EXAMPLE = """
            apiVersion: baran.io/v1
            kind: Runbook
            metadata:
              name: storefront
              description: Move the storefront off AWS us-east-1 when S3 or RDS there fails.
              labels: { team: shop }
            spec:
              protects: storefront                 # one execution per protected service at a time
              parameters:
                standby: { default: shop.gcp.example.net, description: where traffic goes during an outage }
                zone: { default: example.com, overridable: true }   # a drill may set another zone
              trigger:
                outage: { scope: aws/us-east-1, services: [s3, rds] }
                approval: none                     # none | required: a person confirms before the first step
              access:                              # without it, nobody but an admin may act on the runbook
                drill: [drill-operator, team-storefront]
                failover: [failover-operator]
                approve: [approver]
                approvals: 2                       # distinct approvers a live failover needs (default 1)
              drills:                              # the orchestrator drills the runbook by itself
                schedule: "0 3 * * TUE"            # cron: minute hour day-of-month month day-of-week
                timezone: Europe/Berlin            # default UTC
                hold: 10m                          # failed over this long, then back (default 10m)
                blockedWindows: ["* * 20-31 DEC *"]   # no scheduled drill starts in these minutes
                abortWhen:                         # checked every 30s while failed over; failing restores at once
                  healthCheckFails: { url: "https://www.${zone}/healthz", within: 20s }
                  every: 30s
              failover:
                - parallel:
                    - name: move-www
                      action: dns.switch
                      with: { provider: aws-main, zone: "${zone}", record: www, type: CNAME, to: "${standby}", ttl: 60 }
                      retry: { attempts: 5, interval: 2s }
                    - name: move-api
                      action: dns.switch
                      with: { provider: aws-main, zone: "${zone}", record: api, type: CNAME, to: "api.${standby}" }
                - name: let-caches-expire
                  action: wait
                  with: { for: 60s }
                - name: standby-answers
                  action: health.check
                  with: { url: "https://www.${zone}/healthz", expect: 200, within: 5m }
                  timeout: 6m
                  onFailure: hold                  # compensate (default) | hold | continue
              failback:
                when: { recovered: true, stableFor: 15m }
                approval: required
                steps:                             # or: reverse (the default)
                  - undo: move-api
                  - undo: move-www
                  - name: primary-answers
                    action: health.check
                    with: { url: "https://www.${zone}/healthz", within: 5m }
            """;

    private RunbookReference() {}

    public static String markdown(ActionCatalog catalog) {
        StringBuilder md = new StringBuilder();
        md.append("""
                # Runbook reference

                <!-- Generated from the runbook model (io.baran.runbook.RunbookReference and the action classes);
                     do not edit by hand. Regenerate with: bin/baran reference > docs/runbook-reference.md -->

                A runbook is a YAML file that says what Baran does when a provider fails: which steps move a
                service to its standby (`failover`), and how it comes back (`failback`). Baran checks a runbook
                when it is loaded or `PUT` to `/api/runbooks/{name}`, and reports every error at once, each with
                its line and column. `bin/baran lint runbooks/` runs the same checks on a folder.

                Editors that understand JSON Schema (VS Code with the YAML extension, IntelliJ, Neovim with
                yaml-language-server) complete and check runbooks from
                [`runbooks/runbook.schema.json`](../runbooks/runbook.schema.json) when the file starts with:

                ```yaml
                # yaml-language-server: $schema=runbook.schema.json
                ```

                ## Example

                ```yaml
                """);
        md.append(EXAMPLE);
        md.append("""
                ```

                ## Document

                | field | required | meaning |
                | --- | --- | --- |
                | `apiVersion` | yes | `baran.io/v1` |
                | `kind` | yes | `Runbook` |
                | `metadata.name` | yes | the runbook's name, unique; lower-case letters, digits and `-`, at most 63 |
                | `metadata.description` | no | what it does, for people |
                | `metadata.labels` | no | free-form `key: value` pairs |
                | `spec.protects` | yes | the protected service (a name); one execution per protected service at a time |
                | `spec.priority` | no | the service's tier, `1` (most important) to `5`, or `tier-1` to `tier-5` (default `3`): when one outage triggers many runbooks, tier 1 is dispatched first, and each execution carries its tier to the workers (see [Priority](#priority)) |
                | `spec.objectives` | no | the recovery targets, `rto` and `rpo` (durations), see [Objectives](#objectives) |
                | `spec.parameters` | no | named values used in `with:` blocks, see [Parameters](#parameters) |
                | `spec.trigger.outage.scope` | no | the outage scope that starts the failover, e.g. `aws/us-east-1`; without a trigger no outage starts the runbook: it runs as a drill, or as a failover a person starts (`POST /api/failovers`) |
                | `spec.trigger.outage.services` | no | services within the scope (`scope/service`); none means any |
                | `spec.trigger.approval` | no | `none` (default) or `required`: a person approves before the first step |
                | `spec.trigger.approvalTimeout` | no | with `approval: required`, how long to wait for the decision; nobody deciding ends the execution without changing anything (default: the orchestrator's `baran.failover.approval-timeout`, 30m) |
                | `spec.access` | no | who may act on the runbook, see [Access](#access); without it, nobody but an admin may |
                | `spec.drills.schedule` | no | a cron expression (`0 3 * * TUE`): the orchestrator starts a drill of the runbook then, as a Temporal Schedule, see [Drills](#drills) |
                | `spec.drills.timezone` | no | the IANA time zone of the schedule and the blocked windows (default `UTC`) |
                | `spec.drills.hold` | no | how long a scheduled drill stays failed over (default `10m`); at most the orchestrator's `baran.drill.max-hold` (24h): a longer hold is cut to it, with a warning in the orchestrator's log |
                | `spec.drills.blockedWindows` | no | cron expressions of the minutes in which no scheduled drill starts |
                | `spec.drills.abortWhen.healthCheckFails` | no | the `with:` block of a `health.check` that must keep passing while a drill is failed over; when it fails the drill stops and everything is restored |
                | `spec.drills.abortWhen.every` | no | how often that check runs (default `30s`) |
                | `spec.failover` | yes | the steps, in order, see [Steps](#steps) |
                | `spec.failback.when.recovered` | no | wait for the detector's `outage.recovered` (default `true`) |
                | `spec.failback.when.stableFor` | no | how long the scope must stay healthy after recovery (default `0s`) |
                | `spec.failback.approval` | no | `required` (default) or `none` |
                | `spec.failback.steps` | no | `reverse` (default) or a list of steps, see [Failback](#failback) |

                **Durations** are a number and a unit, `ms`, `s`, `m`, `h` or `d`, and can be combined: `500ms`,
                `30s`, `5m`, `24h`, `1h30m`; at most `365d`.

                ## Parameters

                ```yaml
                spec:
                  parameters:
                    standby: { default: shop.gcp.example.net, description: where traffic goes }
                    ttl: { default: 60, overridable: true }
                ```

                Every parameter has a `default`: a text, whole number, boolean or list of texts. A `with:` value
                that is exactly `${name}` takes the parameter's value with its type (`ttl: ${ttl}` is the number
                60); a reference inside a longer text is replaced by the value's text
                (`url: "https://www.${zone}/healthz"`). `$${` writes a literal `${`. References work in `with:`
                blocks only. A reference to a parameter that is not declared is an error. Quote a value that
                starts with `${` in flow style (`{ to: "${standby}" }`), as YAML requires for `{`.

                A drill or failover request (`"parameters": {"ttl": 30}`) may set another value for one execution
                only for a parameter marked `overridable: true` (default `false`), and only of its default's kind;
                setting any other is refused before anything starts: `parameter "zone" is not overridable (mark it
                overridable: true in the runbook)`.

                ## Priority

                ```yaml
                spec:
                  protects: payments
                  priority: tier-1      # or 1; 1 to 5, default 3
                ```

                When one outage triggers many runbooks (a region fails for every service at once), the orchestrator
                starts their executions in tier order, tier 1 first, and each execution carries its tier: in its
                input (`runbook.priority`), in the memo `baranPriority` (shown in the Temporal UI), and in every
                activity call as the header `baran-priority` (so the workers' API budgets can serve tier 1 first).
                A runbook without `spec.priority` is tier 3. Any other value is an error:
                `spec.priority: "tier-0" is not a tier (1 to 5, or tier-1 to tier-5; 1 is dispatched first)`.

                ## Objectives

                ```yaml
                spec:
                  objectives:
                    rto: 5m     # outage start to service restored
                    rpo: 1m     # the data an outage may lose: the largest replication lag
                ```

                Optional; `rto`, `rpo` or both, each a duration (`rto` longer than `0s`). Readiness compares them
                with what the runbook would do now: the predicted RTO (detection time plus each step's p50 and p95
                from past drills and failovers) against `rto`, and the replication lag its `storage.check-replica`
                steps measure against `rpo`; a prediction over the objective makes the runbook `degraded`, with
                that reason. An empty `objectives:` is an error: `spec.objectives: needs rto, rpo or both`.

                ## Drills

                ```yaml
                spec:
                  drills:
                    schedule: "0 3 * * TUE"          # every Tuesday at 03:00
                    timezone: Europe/Berlin
                    hold: 10m
                    blockedWindows:
                      - "* * 20-31 DEC *"            # year-end freeze
                      - "* * * * SAT,SUN"            # never at weekends
                    abortWhen:
                      healthCheckFails: { url: "https://www.example.com/healthz", expect: 200, within: 20s }
                      every: 30s
                ```

                With a `schedule`, the orchestrator keeps a Temporal Schedule `drill-<runbook name>` that starts a
                drill (fail over, hold `hold`, fail back) of the runbook's current version at those times; it is
                created, updated and deleted with the runbook (`PUT` and `DELETE /api/runbooks/{name}`). A start
                is skipped while the previous scheduled drill still runs (overlap policy skip), when another
                execution of the protected service runs, and in a blocked window. Each cron field is `*`, a
                number or name (`JAN`-`DEC`, `SUN`-`SAT`; 0 and 7 are Sunday), a range `a-b`, a step `*/n` or
                `a-b/n`, or a comma list. A blocked window is a cron expression of the minutes it blocks; a minute
                is blocked when it matches every one of its fields (so `* * 20-31 DEC *` blocks the last twelve
                days of December, whatever the weekday).

                `abortWhen` guards every drill of the runbook, scheduled or not, game days included: while the
                drill is failed over, the orchestrator runs the `health.check` given in `healthCheckFails` every
                `every` (its fields as the action's, see [`health.check`](#healthcheck)); the first time it fails
                the drill stops and everything it changed is undone, as an abort does, and the execution ends
                `compensated` with the check's failure as its error. Real failovers never run it.

                ## Access

                ```yaml
                spec:
                  access:
                    drill: [drill-operator, team-storefront]   # may drill and plan
                    failover: [failover-operator]               # may start a real failover, ask for failback, abort
                    approve: [approver]                         # may approve or reject
                    approvals: 2                                # distinct approvers a live failover needs
                ```

                People sign in with the organisation's identity provider; their groups (the token's `groups`
                claim) give them global roles (`viewer`, `runbook-author`, `drill-operator`, `failover-operator`,
                `approver`, `admin`). `spec.access` narrows the roles per runbook: to drill a runbook a person needs
                the `drill-operator` role *and* one of the groups in `drill`, and so on. An `admin` may do
                everything. Deny by default: a list that is missing or empty allows nobody but an admin, and so
                does a runbook without `spec.access`.

                | field | meaning |
                | --- | --- |
                | `drill` | groups that may drill and plan the runbook |
                | `failover` | groups that may start a real failover, ask for failback and abort an execution |
                | `approve` | groups that may approve or reject what an execution waits for |
                | `approvals` | how many distinct people must approve a live failover's start and failback, 1 (default) to {max-approvals}; the person who started the execution never counts |

                A group is named as the token's `groups` claim names it: a letter or digit, after an optional `/`
                (Keycloak's full group paths), then letters, digits and `.` `_` `:` `/` `@` `-`, at most 128 in all;
                each group is listed once.

                ## Steps

                A step runs an action:

                | field | required | meaning |
                | --- | --- | --- |
                | `name` | yes | unique among all steps of the runbook |
                | `action` | yes | one of the [actions](#actions) |
                | `with` | per action | the action's settings |
                | `timeout` | no | how long one try may take (a duration); default: the action's own |
                | `retry` | no | `retry: 3` (tries in all) or `retry: { attempts: 3, interval: 1s, maxInterval: 30s }`; the wait doubles after each try |
                | `onFailure` | no | `compensate` (default): undo the steps before it, last first; `hold`: wait for a person's approval, then go on; `continue`: go on |

                `parallel:` groups at least two steps that run together; the group ends when all of them have.
                Groups do not nest and take only an optional `name`.

                ## Failback

                `steps: reverse` (the default) undoes every failover step that changed something, last first,
                each restoring exactly what it replaced. A runbook with a step that cannot be undone (see the
                actions) must list its failback steps instead:

                ```yaml
                failback:
                  steps:
                    - undo: move-www            # undo one failover step, exactly
                    - name: primary-answers     # any action step, or a parallel group
                      action: health.check
                      with: { url: "https://www.example.com/healthz" }
                ```

                Failover steps the list does not undo stay as they are. `undo:` must name a failover step whose
                action changes something and can be undone, at most once.

                ## Actions

                """.replace("{max-approvals}", String.valueOf(RunbookParser.MAX_APPROVALS)));
        for (ActionType type : catalog.types()) {
            action(md, type.spec());
        }
        md.append("""
                ## Providers

                A step names a provider by the name it has in the configuration, never a credential:
                `baran.providers."<name>".type=<type>` in the replication-worker (which holds the credentials, from
                its environment) and in the orchestrator (which checks runbooks against it). A provider may be
                narrowed to some of its type's capabilities with `baran.providers."<name>".capabilities=dns,cdn`.
                A runbook naming an unknown provider, or a provider that lacks the capability an action needs,
                is refused when it is loaded. Which capabilities the replication-worker of this version has built
                for each type, it says at start and in its README.

                """);
        md.append("| type | what it is | ");
        md.append(
                java.util.Arrays.stream(Capability.values()).map(Capability::id).collect(Collectors.joining(" | ")));
        md.append(" |\n| --- | --- |")
                .append(" --- |".repeat(Capability.values().length))
                .append('\n');
        for (ProviderTypes.Type type : ProviderTypes.all()) {
            md.append("| `")
                    .append(type.name())
                    .append("` | ")
                    .append(type.doc())
                    .append(" |");
            for (Capability c : Capability.values()) {
                md.append(' ').append(type.services().getOrDefault(c, "—")).append(" |");
            }
            md.append('\n');
        }
        md.append("""

                ## Errors

                Every error of a runbook is reported in one pass, as `file:line:column path: message`:

                ```
                runbooks/storefront.yaml:42:72 spec.failover[2].with.within: "24hours" is not a duration (use 24h)
                ```

                Checked: YAML syntax; unknown fields (with a "did you mean"); wrong types; missing required
                fields; unknown actions and actions not implemented yet; unknown providers and providers without
                the capability an action needs; duplicate step names; `parallel` with fewer than two steps or
                nested; references to undeclared parameters; group names and the number of approvals in
                `spec.access`; a failback that would have to undo a step that has no undo, or that undoes a step
                that changes nothing. Over the REST API the same messages come as RFC 9457 problem details (422).
                """);
        return md.toString();
    }

    private static void action(StringBuilder md, ActionSpec spec) {
        md.append("### `").append(spec.name()).append("`\n\n");
        md.append(spec.summary()).append("\n\n");
        if (!spec.implemented()) {
            md.append("**Not implemented yet**: part of the format; a runbook using it is refused.\n\n");
        }
        List<String> facts = new java.util.ArrayList<>();
        if (spec.capability() != null) {
            facts.add("needs a provider with `" + spec.capability().id() + "`");
        }
        if (!spec.changes()) {
            facts.add("changes nothing");
        } else if (spec.undoable() && spec.undoIs() != null) {
            facts.add("changes something; failback and compensation undo it: " + spec.undoIs());
        } else if (spec.undoable()) {
            facts.add("changes something; failback and compensation undo it exactly");
        } else {
            facts.add(
                    "changes something that cannot be undone (" + spec.noUndo() + "): list failback steps explicitly");
        }
        if (spec.changes() || spec.capability() != null) {
            String sentence = String.join("; ", facts);
            md.append(Character.toUpperCase(sentence.charAt(0)))
                    .append(sentence.substring(1))
                    .append(".\n\n");
        }
        if (spec.fields().isEmpty()) {
            md.append("No `with:` fields.\n\n");
            return;
        }
        md.append("| `with:` field | type | required | meaning |\n| --- | --- | --- | --- |\n");
        for (ActionSpec.Field field : spec.fields().values()) {
            md.append("| `")
                    .append(field.name())
                    .append("` | ")
                    .append(typeName(field, spec))
                    .append(" | ")
                    .append(field.required() ? "yes" : "no")
                    .append(" | ")
                    .append(field.doc())
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static String typeName(ActionSpec.Field field, ActionSpec spec) {
        if (!field.allowed().isEmpty()) {
            return "one of " + field.allowed().stream().map(a -> "`" + a + "`").collect(Collectors.joining(", "));
        }
        return switch (field.type()) {
            case STRING -> "text";
            case INT -> field.min() != null ? "whole number, " + field.min() + " to " + field.max() : "whole number";
            case BOOL -> "`true` or `false`";
            case DURATION -> "duration";
            case STRING_OR_LIST -> "text, or list of texts";
            case NUMBER_MAP -> "mapping of names to whole numbers, " + field.min() + " to " + field.max();
            case PROVIDER -> "provider name (`" + spec.capability().id() + "`)";
        };
    }
}
