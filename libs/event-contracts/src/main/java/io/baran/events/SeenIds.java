package io.baran.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the events seen lately, to recognise a replayed one: at most {@code capacity} ids, the oldest forgotten
 * first. Each id is remembered with where it was read (e.g. {@code topic-partition@offset}), so that reading the same
 * record again (a consumer's rebalance or replay of its own partition) is told apart from the same event written
 * again. Thread-safe.
 */
public final class SeenIds {

    private final Map<String, String> seen;

    public SeenIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.seen = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Records an id.
     *
     * @param where where this copy was read; null when the caller cannot tell, and then every second sight is a replay
     * @return true the first time the id is seen (or seen again at the same place), false for a replay
     */
    public synchronized boolean firstSight(String id, String where) {
        String before = seen.get(id);
        if (before == null) {
            seen.put(id, where == null ? "" : where);
            return true;
        }
        return where != null && where.equals(before);
    }

    /** Whether the id was seen, without recording it. */
    public synchronized boolean contains(String id) {
        return seen.containsKey(id);
    }

    public synchronized int size() {
        return seen.size();
    }
}
