package io.baran.detector.quorum;

import io.baran.events.EventSignature;
import io.baran.events.RefusedEventException;
import io.baran.events.RefusedEventException.Reason;
import io.baran.events.SeenIds;
import io.baran.events.VantageRoster;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * What of the verdicts topic the aggregator may count: records signed ({@link EventSignature}) by a key of the
 * roster, in the name of that key's vantage, for the scope the record is keyed by (the key is not signed, the scope in
 * the value is), sent within {@code max-clock-skew} of the time Kafka stamped them, and not the copy of a record
 * already read elsewhere on the topic. So a quorum counts only distinct signed vantages:
 * votes are kept per vantage, and a vantage is the one its key belongs to, whichever of its keys signed.
 * Not thread-safe: the aggregator's thread owns it.
 */
public final class VerdictVerifier {

    private final VantageRoster roster;
    private final Duration maxSkew;
    private final SeenIds seen;

    public VerdictVerifier(VantageRoster roster, Duration maxSkew, int seenIds) {
        this.roster = roster;
        this.maxSkew = maxSkew;
        this.seen = new SeenIds(seenIds);
    }

    public VantageRoster roster() {
        return roster;
    }

    /**
     * Checks a record of the verdicts topic.
     *
     * @return the verdict or simulation it holds, or null for a type this version skips
     * @throws RefusedEventException when it must not count, saying why
     * @throws IllegalArgumentException when its signed content is unreadable
     */
    public Object accept(ConsumerRecord<String, String> r) {
        EventSignature.Verified verified = EventSignature.verify(r.value(), roster);
        VerdictCodec.Envelope envelope = VerdictCodec.decodeEnvelope(verified.json());
        Object message = envelope.message();
        if (message == null) {
            return null;
        }
        String claimed;
        Instant sent;
        String scope;
        if (message instanceof VantageVerdict verdict) {
            claimed = verdict.vantage();
            sent = verdict.at();
            scope = verdict.scope();
        } else if (message instanceof Simulation simulation) {
            claimed = simulation.requestedBy();
            sent = simulation.since();
            scope = simulation.scope();
        } else {
            return null;
        }
        if (!verified.vantage().equals(claimed)) {
            throw new RefusedEventException(
                    Reason.WRONG_VANTAGE,
                    "a record of vantage " + claimed + " signed with key " + verified.kid() + " of vantage "
                            + verified.vantage(),
                    verified.kid());
        }
        if (scope == null || !scope.equals(r.key())) {
            // The aggregator counts a record for the scope it is keyed by: a signed verdict of one scope written again
            // under another scope's key must not vote there.
            throw new RefusedEventException(
                    Reason.WRONG_SCOPE,
                    "a record of vantage " + claimed + " for scope " + scope + " written under the key " + r.key(),
                    verified.kid());
        }
        if (r.timestamp() >= 0 && r.timestampType() != TimestampType.NO_TIMESTAMP_TYPE) {
            Instant stamped = Instant.ofEpochMilli(r.timestamp());
            if (sent == null || Duration.between(sent, stamped).abs().compareTo(maxSkew) > 0) {
                throw new RefusedEventException(
                        Reason.STALE,
                        "a record of vantage " + claimed + " sent at " + sent + " but written to Kafka at " + stamped
                                + " (more than " + maxSkew.toSeconds() + " s apart)",
                        verified.kid());
            }
        }
        if (envelope.id() == null
                || !seen.firstSight(envelope.id(), r.topic() + "-" + r.partition() + "@" + r.offset())) {
            throw new RefusedEventException(
                    Reason.REPLAYED,
                    "record " + envelope.id() + " of vantage " + claimed + " was read before at another offset",
                    verified.kid());
        }
        return message;
    }
}
