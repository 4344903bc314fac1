package io.baran.worker.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The TTLs of every cache behaviour of one distribution, default behaviour first. */
public record CacheTtls(List<BehaviourTtls> behaviours) implements PlanState<CacheTtls> {

    public CacheTtls {
        behaviours = List.copyOf(behaviours);
    }

    /** Same behaviours with the same TTLs, in the same order. */
    @Override
    public boolean sameAs(CacheTtls other) {
        if (behaviours.size() != other.behaviours.size()) {
            return false;
        }
        for (int i = 0; i < behaviours.size(); i++) {
            if (!behaviours.get(i).sameTtls(other.behaviours.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Each behaviour, compared on its own, has its TTLs in {@code from} or in {@code to}; the same behaviours in all three. */
    @Override
    public boolean partway(CacheTtls from, CacheTtls to) {
        if (behaviours.size() != from.behaviours.size() || behaviours.size() != to.behaviours.size()) {
            return false;
        }
        for (int i = 0; i < behaviours.size(); i++) {
            BehaviourTtls now = behaviours.get(i);
            if (!now.sameTtls(from.behaviours.get(i)) && !now.sameTtls(to.behaviours.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Behaviours that cache nothing are left alone: raising them would cache what was never meant to be cached. */
    public CacheTtls raisedTo(long ttl) {
        List<BehaviourTtls> raised = new ArrayList<>();
        for (BehaviourTtls b : behaviours) {
            raised.add(b.cachesNothing() ? b : b.raisedTo(ttl));
        }
        return new CacheTtls(raised);
    }

    /** Behaviours that cache nothing are left alone here too: there is nothing cached to serve. */
    public CacheTtls servingStaleFor(long seconds) {
        List<BehaviourTtls> stale = new ArrayList<>();
        for (BehaviourTtls b : behaviours) {
            stale.add(b.cachesNothing() ? b : b.servingStaleFor(seconds));
        }
        return new CacheTtls(stale);
    }

    public BehaviourTtls find(String path) {
        return behaviours.stream()
                .filter(b -> b.path().equals(path))
                .findFirst()
                .orElse(null);
    }

    /** e.g. {@code * min 0 default 300 max 3600; /api/* min 0 default 0 max 0}. */
    public String describe() {
        return behaviours.stream().map(b -> b.path() + " " + b.describe()).collect(Collectors.joining("; "));
    }

    /** The behaviours that differ, e.g. {@code * default 300 -> 86400, max 3600 -> 86400}. */
    public String diff(CacheTtls desired) {
        List<String> parts = new ArrayList<>();
        for (BehaviourTtls now : behaviours) {
            BehaviourTtls then = desired.find(now.path());
            if (then == null || now.sameTtls(then)) {
                continue;
            }
            List<String> fields = new ArrayList<>();
            if (now.min() != then.min()) {
                fields.add("min " + now.min() + " -> " + then.min());
            }
            if (now.defaultTtl() != then.defaultTtl()) {
                fields.add("default " + now.defaultTtl() + " -> " + then.defaultTtl());
            }
            if (now.max() != then.max()) {
                fields.add("max " + now.max() + " -> " + then.max());
            }
            if (now.serveStale() != null
                    && then.serveStale() != null
                    && !now.serveStale().equals(then.serveStale())) {
                fields.add("serve stale " + now.serveStale() + " -> " + then.serveStale());
            }
            parts.add(now.path() + " " + String.join(", ", fields));
        }
        return String.join("; ", parts);
    }

    public Map<String, Object> toMap() {
        return Map.of(
                "behaviours", behaviours.stream().map(BehaviourTtls::toMap).toList());
    }

    public static CacheTtls fromPlan(Map<String, Object> map, String where) {
        return new CacheTtls(new PlanValues(map, where)
                .maps("behaviours").stream().map(BehaviourTtls::fromPlan).toList());
    }
}
