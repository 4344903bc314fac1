package io.baran.worker.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Refuses a pair whose sides reach some of the same objects: a replica holding its source (a mirror pass deletes the
 * source's own objects as objects the source does not have), one inside its source (every pass copies the copies
 * again, one folder deeper), the source itself, or two replicas of the pair overlapping (each one's passes delete the
 * other's copies). Each side reaches the keys under its place (the bucket's address, whatever store name reaches it,
 * then the folder) that start with the pair's prefix; two sides overlap when one's place with the prefix starts with
 * the other's. Folders end with {@code /}, so {@code b/pub} and {@code b/public} do not overlap.
 */
final class PairOverlaps {

    private PairOverlaps() {}

    /**
     * Every overlap of the pair, as a configuration problem naming both locations and the keys.
     *
     * @param key     the pair's configuration key, {@code baran.replication.pairs."<name>"}
     * @param prefix  the pair's prefix (keys relative to the locations); empty for all keys
     * @param address where a location's objects live ({@link Stores#address})
     */
    static List<String> problems(
            String key, Location source, List<Location> replicas, String prefix, Function<Location, String> address) {
        List<String> problems = new ArrayList<>();
        String sourceReach = address.apply(source) + prefix;
        List<String> reaches = new ArrayList<>();
        for (Location replica : replicas) {
            String reach = address.apply(replica) + prefix;
            String relation = relation(reach, sourceReach);
            if (relation != null) {
                problems.add(key + ".replicas: " + replica + " " + relation + " the source " + source + " (" + key
                        + ".source), on one store (the replica reaches " + reach + ", the source " + sourceReach
                        + "), so its passes would delete the source's own objects or copy their copies into it again. "
                        + "Give the pair a replica neither inside nor around its source");
            }
            for (int i = 0; i < reaches.size(); i++) {
                if (relation(reach, reaches.get(i)) != null) {
                    problems.add(key + ".replicas: " + replicas.get(i) + " and " + replica + " overlap, on one store ("
                            + reaches.get(i) + ", " + reach + "), so each one's passes would delete or overwrite the "
                            + "other's copies. Give each replica a place of its own");
                }
            }
            reaches.add(reach);
        }
        return problems;
    }

    /** How the place {@code a} stands to {@code b}: null when they share no key. */
    private static String relation(String a, String b) {
        if (a.equals(b)) {
            return "reaches the same objects as";
        }
        if (a.startsWith(b)) {
            return "lies inside";
        }
        return b.startsWith(a) ? "contains" : null;
    }
}
