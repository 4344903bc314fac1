package io.baran.worker.replication;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one replica holds of its source, kept on disk so a restarted worker neither copies again what is
 * already there nor loses the parts of an upload under way. A snapshot ({@code ledger.json}) plus a journal
 * of every change since ({@code journal.jsonl}, one JSON object per line, appended as each copy, deletion
 * or part completes); a pass ends with a new snapshot and an empty journal. A line torn by a crash is the
 * last one and is skipped.
 *
 * <p>Keys are relative to the pair's locations, so the same ledger serves both directions.
 */
public final class Ledger implements AutoCloseable {

    /**
     * One object as last copied.
     *
     * @param sourceVersion  the source's {@link io.baran.worker.provider.store.Blob#version()} that was copied
     * @param replicaVersion the replica's version of the copy
     */
    public record Entry(String sourceVersion, long size, String sha256, String replicaVersion) {}

    /** One part of an upload under way: its CRC32C (to check the source still has those bytes) and what completing needs. */
    public record Part(String crc32c, String tag) {}

    /**
     * An upload under way.
     *
     * @param token what the store needs to resume it
     */
    public record Session(
            String key, String sourceVersion, long size, long partSize, String token, Map<Integer, Part> parts) {
        public Session {
            parts = new ConcurrentHashMap<>(parts == null ? Map.of() : parts);
        }
    }

    /**
     * What a pass concluded.
     *
     * @param consistentAt   up to when the replica holds every change of the source; null before the first complete pass
     * @param lastListing    when the last pass that listed the source started listing
     * @param lastSuccess    when the last successful pass ended
     * @param failedOver     the replica serves as primary: forward copying is paused until failback
     * @param conflicts      keys changed on both sides, with what each side holds; never overwritten
     * @param failedOverAt   when the replica last failed over; null before its first failover (or in a ledger older
     *                       than this field)
     * @param failedBackAt   when its last failback ended with the replica serving as replica again; null before
     * @param lastAttempt    when the last pass that ran began, whether it could list or not (a pass that could not
     *                       list changes nothing else): with {@code lastListing} and {@code lastSuccess}, how it went,
     *                       for worker replicas that did not run it
     * @param missingSince   of the keys still missing at the replica, the {@link #MISSING_KEPT} that have been missing
     *                       longest, with when a pass first found each missing (its change then): what dates the lag
     *                       after a restart of the worker, or on another worker replica ({@link PassOutcome#datedBy})
     */
    public record Meta(
            Instant consistentAt,
            Instant lastListing,
            Instant lastSuccess,
            boolean failedOver,
            Map<String, String> conflicts,
            Instant failedOverAt,
            Instant failedBackAt,
            Instant lastAttempt,
            Map<String, Instant> missingSince) {

        /** How many keys' first-missing dates a snapshot keeps: the oldest, which alone set the lag. */
        static final int MISSING_KEPT = 1000;

        @com.fasterxml.jackson.annotation.JsonCreator
        public Meta {
            conflicts = conflicts == null ? Map.of() : Map.copyOf(conflicts);
            missingSince = missingSince == null ? Map.of() : Map.copyOf(missingSince);
        }

        /** A meta that dates no missing key (as one written before {@code missingSince}). */
        public Meta(
                Instant consistentAt,
                Instant lastListing,
                Instant lastSuccess,
                boolean failedOver,
                Map<String, String> conflicts,
                Instant failedOverAt,
                Instant failedBackAt,
                Instant lastAttempt) {
            this(
                    consistentAt,
                    lastListing,
                    lastSuccess,
                    failedOver,
                    conflicts,
                    failedOverAt,
                    failedBackAt,
                    lastAttempt,
                    Map.of());
        }

        static Meta empty() {
            return new Meta(null, null, null, false, Map.of(), null, null, null);
        }

        /** This meta dating the keys of {@code since} that have been missing longest (at most {@link #MISSING_KEPT}). */
        Meta withMissingSince(Map<String, Instant> since) {
            Map<String, Instant> kept = new java.util.HashMap<>();
            since.entrySet().stream()
                    .sorted(Map.Entry.comparingByValue())
                    .limit(MISSING_KEPT)
                    .forEach(e -> kept.put(e.getKey(), e.getValue()));
            return new Meta(
                    consistentAt,
                    lastListing,
                    lastSuccess,
                    failedOver,
                    conflicts,
                    failedOverAt,
                    failedBackAt,
                    lastAttempt,
                    kept);
        }

        /** This meta after a pass that listed (begun at {@code lastListing}): what it measured, the failover's times kept. */
        Meta afterPass(Instant consistentAt, Instant lastListing, Instant lastSuccess, Map<String, String> conflicts) {
            return new Meta(
                    consistentAt,
                    lastListing,
                    lastSuccess,
                    failedOver,
                    conflicts,
                    failedOverAt,
                    failedBackAt,
                    lastListing,
                    missingSince);
        }

        /** This meta after a pass begun at {@code at} that could not list: nothing else changed. */
        Meta afterUnlistedPass(Instant at) {
            return new Meta(
                    consistentAt,
                    lastListing,
                    lastSuccess,
                    failedOver,
                    conflicts,
                    failedOverAt,
                    failedBackAt,
                    at,
                    missingSince);
        }

        /** This meta with other conflicts. */
        Meta withConflicts(Map<String, String> conflicts) {
            return new Meta(
                    consistentAt,
                    lastListing,
                    lastSuccess,
                    failedOver,
                    conflicts,
                    failedOverAt,
                    failedBackAt,
                    lastAttempt,
                    missingSince);
        }

        /** This meta once the replica serves as primary, since {@code at}. */
        Meta asFailedOver(Instant at) {
            return new Meta(
                    consistentAt,
                    lastListing,
                    lastSuccess,
                    true,
                    conflicts,
                    at,
                    failedBackAt,
                    lastAttempt,
                    missingSince);
        }

        /**
         * This meta after a failback that ended at {@code at}: {@code done} (the replica serves as replica again) or
         * not (still failed over), with the conflicts it left. A replica failed over before the failover's time was
         * recorded gets the last listing before it (passes stop at failover) as the failover's time, or the failback's
         * start, so late writes after it are honoured all the same.
         */
        Meta afterFailback(boolean done, Map<String, String> conflicts, Instant started, Instant at) {
            Instant overAt = failedOverAt != null ? failedOverAt : lastListing != null ? lastListing : started;
            return new Meta(
                    consistentAt,
                    lastListing,
                    lastSuccess,
                    !done,
                    conflicts,
                    overAt,
                    done ? at : failedBackAt,
                    lastAttempt,
                    missingSince);
        }
    }

    /** Meta first, so {@link #storedMeta} reads it without reading every entry. */
    private record Snapshot(Meta meta, Map<String, Entry> entries, Map<String, Session> sessions) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, Session> sessions = new HashMap<>();
    private Meta meta = Meta.empty();
    private BufferedWriter journal;
    /** The pass lock this process must still hold to write here (other worker replicas share the directory); null: none. */
    private volatile PassLock.Held writer;

    private Ledger(Path dir) {
        this.dir = dir;
    }

    /** Reads the ledger in the directory (a new one when there is none), replaying the journal of a crashed run. */
    public static Ledger open(Path dir) {
        Ledger ledger = new Ledger(dir);
        ledger.load();
        return ledger;
    }

    /**
     * Reads the ledger again from its directory, dropping what this process held of it: another worker replica that
     * ran the pair's passes meanwhile (the directory shared between them) may have copied, deleted and checkpointed.
     * Called by the replica that has just taken the pair's pass lock.
     */
    public synchronized void reload() {
        close();
        entries.clear();
        sessions.clear();
        meta = Meta.empty();
        load();
    }

    /**
     * The meta of the snapshot on disk, read on its own: neither this process's copy nor the journal is read or touched
     * (the journal may be another worker replica's, being appended to). Empty when there is no snapshot yet.
     */
    public Meta storedMeta() {
        try {
            return readStoredMeta();
        } catch (UncheckedIOException e) {
            // On a shared volume the snapshot may be replaced while it is read (e.g. NFS: a stale handle): once more.
            return readStoredMeta();
        }
    }

    private Meta readStoredMeta() {
        Path snapshot = dir.resolve("ledger.json");
        if (!Files.exists(snapshot)) {
            return Meta.empty();
        }
        try (JsonParser p = JSON.createParser(snapshot.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if ("meta".equals(field) && p.currentToken() != JsonToken.VALUE_NULL) {
                    return p.readValueAs(Meta.class);
                }
                p.skipChildren();
            }
            return Meta.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the replication ledger's snapshot in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void load() {
        try {
            Files.createDirectories(dir);
            sweepTemporarySnapshots();
            Path snapshot = dir.resolve("ledger.json");
            if (Files.exists(snapshot)) {
                Snapshot s = JSON.readValue(snapshot.toFile(), Snapshot.class);
                if (s.entries() != null) {
                    entries.putAll(s.entries());
                }
                if (s.sessions() != null) {
                    sessions.putAll(s.sessions());
                }
                if (s.meta() != null) {
                    meta = s.meta();
                }
            }
            Path journalFile = dir.resolve("journal.jsonl");
            if (Files.exists(journalFile)) {
                List<String> lines = Files.readAllLines(journalFile, StandardCharsets.UTF_8);
                for (String line : lines) {
                    replay(line);
                }
                if (endsTorn(journalFile)) {
                    // A line a crash cut short: end it, so the next line appended is read as a line of its own.
                    Files.writeString(journalFile, "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                }
            }
            journal = Files.newBufferedWriter(
                    journalFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the replication ledger in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean endsTorn(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() == 0) {
                return false;
            }
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            ch.read(last, ch.size() - 1);
            return last.get(0) != '\n';
        }
    }

    private void replay(String line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return; // the line a crash cut short
        }
        if (n == null || !n.hasNonNull("op")) {
            return;
        }
        try {
            String key = n.path("k").asText();
            switch (n.get("op").asText()) {
                case "copied" -> entries.put(key, JSON.treeToValue(n.get("e"), Entry.class));
                case "removed" -> entries.remove(key);
                case "session" -> sessions.put(key, JSON.treeToValue(n.get("s"), Session.class));
                case "part" -> {
                    Session s = sessions.get(key);
                    if (s != null) {
                        s.parts().put(n.get("n").asInt(), JSON.treeToValue(n.get("p"), Part.class));
                    }
                }
                case "ended" -> sessions.remove(key);
                default -> {
                    // a line of a newer version: nothing this version knows to do
                }
            }
        } catch (JsonProcessingException e) {
            // a line cut short
        }
    }

    /**
     * From now on, writes here only while {@code held} is held ({@link PassLock.Held#verify}): a snapshot asks the
     * lock's database first, a journal line takes an answer up to {@link PassLock#VERIFIED_FOR} old. Null: no lock asked.
     *
     * <p>A worker replica whose lock's session ended mid-pass (a restart or failover of the lock's database) could
     * otherwise go on writing while another replica, having taken the lock, fails the replica over: its snapshot would
     * put back the meta it read before, failover flag and all.
     */
    public void writtenUnder(PassLock.Held held) {
        writer = held;
    }

    /**
     * Fails ({@link PassLock.Lost}) when the lock this ledger is written under was lost: asked now when {@code fresh},
     * else an answer up to {@link PassLock#VERIFIED_FOR} old serves.
     */
    public void requireLock(boolean fresh) {
        PassLock.Held held = writer;
        if (held != null) {
            held.verify(fresh);
        }
    }

    public synchronized Entry entry(String key) {
        return entries.get(key);
    }

    public synchronized Map<String, Entry> entries() {
        return new TreeMap<>(entries);
    }

    public synchronized void copied(String key, Entry entry) {
        requireLock(false); // before anything changes, here or on disk
        entries.put(key, entry);
        append("copied", key, o -> o.set("e", JSON.valueToTree(entry)));
    }

    public synchronized void removed(String key) {
        requireLock(false); // before anything changes, here or on disk
        if (entries.remove(key) != null) {
            append("removed", key, o -> {});
        }
    }

    public synchronized Session session(String key) {
        return sessions.get(key);
    }

    public synchronized void sessionStarted(Session session) {
        requireLock(false); // before anything changes, here or on disk
        sessions.put(session.key(), session);
        append("session", session.key(), o -> o.set("s", JSON.valueToTree(session)));
    }

    public synchronized void partDone(String key, int number, Part part) {
        requireLock(false); // before anything changes, here or on disk
        Session s = sessions.get(key);
        if (s != null) {
            s.parts().put(number, part);
            append("part", key, o -> {
                o.put("n", number);
                o.set("p", JSON.valueToTree(part));
            });
        }
    }

    public synchronized void sessionEnded(String key) {
        requireLock(false); // before anything changes, here or on disk
        if (sessions.remove(key) != null) {
            append("ended", key, o -> {});
        }
    }

    public synchronized Map<String, Session> sessions() {
        return new TreeMap<>(sessions);
    }

    public synchronized Meta meta() {
        return meta;
    }

    /** Sets what the pass concluded and writes a new snapshot, emptying the journal. */
    public synchronized void checkpoint(Meta newMeta) {
        checkpoint(m -> newMeta);
    }

    /**
     * Changes the meta from its current value (so two writers never lose each other's change) and writes a snapshot.
     * The new meta holds only once the snapshot is on disk: a checkpoint that fails changes nothing; so does one whose
     * pass lock was lost ({@link #writtenUnder}).
     */
    public synchronized void checkpoint(java.util.function.UnaryOperator<Meta> change) {
        requireLock(true);
        Meta next = change.apply(meta);
        // A name of this write's own: worker replicas share the directory, and one that lost the pair's lock must not
        // write into the file another is about to move in place.
        Path tmp = dir.resolve("ledger.json." + java.util.UUID.randomUUID() + ".tmp");
        boolean moved = false;
        try {
            journal.flush();
            byte[] bytes = JSON.writeValueAsBytes(new Snapshot(next, entries, sessions));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            requireLock(true); // again, as the snapshot replaces the shared one: writing it may have taken seconds
            Files.move(
                    tmp,
                    dir.resolve("ledger.json"),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            meta = next;
            journal.close();
            journal = Files.newBufferedWriter(
                    dir.resolve("journal.jsonl"),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the replication ledger in " + dir + ": " + e.getMessage(), e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary file is never read
                }
            }
        }
    }

    /**
     * Deletes the temporary snapshots of writers that died before their rename, an hour old or older (a younger one may
     * be another worker replica's, being written).
     */
    private void sweepTemporarySnapshots() {
        java.time.Instant before = java.time.Instant.now().minus(java.time.Duration.ofHours(1));
        try (var files = Files.newDirectoryStream(dir, "ledger.json.*.tmp")) {
            for (Path tmp : files) {
                try {
                    if (Files.getLastModifiedTime(tmp).toInstant().isBefore(before)) {
                        Files.deleteIfExists(tmp);
                    }
                } catch (IOException gone) {
                    // renamed or deleted meanwhile
                }
            }
        } catch (IOException e) {
            // a leftover temporary file is never read
        }
    }

    /** The caller checked the lock ({@link #requireLock}) before it changed anything. */
    private void append(String op, String key, java.util.function.Consumer<ObjectNode> body) {
        ObjectNode o = JSON.createObjectNode();
        o.put("op", op);
        o.put("k", key);
        body.accept(o);
        try {
            journal.write(JSON.writeValueAsString(o));
            journal.write('\n');
            // Flushed to the operating system at once: a killed worker loses nothing; a machine crash at most the last
            // lines.
            journal.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot append to the replication journal in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public synchronized void close() {
        try {
            journal.close();
        } catch (IOException ignored) {
            // the journal was flushed line by line
        }
    }
}
