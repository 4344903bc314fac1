package io.baran.orchestrator.messaging;

import io.baran.events.CloudEvent;
import io.baran.events.EventCodec;
import io.baran.events.EventSignature;
import io.baran.events.OutageEvent;
import io.baran.events.RefusedEventException;
import io.baran.events.RefusedEventException.Reason;
import io.baran.events.SeenIds;
import io.baran.events.VantageRoster;
import io.baran.orchestrator.config.EventsConfig;
import io.baran.orchestrator.config.SigningConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Decides whether an outage event may be acted on at all, before anything else reads it: it must be signed
 * ({@link EventSignature}) by a key of the configured roster ({@code baran.signing.roster}), name in
 * {@code data.vantage} the vantage that key belongs to, not be an {@code outage.detected} older than
 * {@code baran.events.max-age} or dated more than {@code baran.events.max-skew} ahead of this clock, and not carry the id of an event already acted on ({@link #actedOn}). Anything else is
 * refused with a
 * {@link RefusedEventException} whose message gives the reason; the consumer lets it fail, so the event goes to the
 * dead-letter topic with that reason ({@code dead-letter-reason} header) and starts or stops nothing.
 *
 * <p>The signature covers every byte of the event, so what it says of who asked for a simulated outage
 * ({@code data.requester}, which decides what a game day may drill) is as trusted as its scope: an event whose requester
 * was changed after signing is refused as badly signed.
 *
 * <p>Recoveries are not refused for age (a recovery delivered late must still end its failover); a replayed recovery
 * within the remembered ids is refused, and one older than that can only announce the end of an incident that ended.
 * With no roster configured, every event is refused (fail closed) and the service warns at start.
 */
@ApplicationScoped
public class EventVerifier {

    private static final Logger LOG = Logger.getLogger(EventVerifier.class);

    private final VantageRoster roster;
    private final SeenIds seen;
    private final EventsConfig events;
    private final Clock clock;

    @Inject
    EventVerifier(SigningConfig signing, EventsConfig events) {
        this(roster(signing), new SeenIds(Math.max(1, signing.seenIds())), events, Clock.systemUTC());
    }

    EventVerifier(VantageRoster roster, SeenIds seen, EventsConfig events, Clock clock) {
        this.roster = roster;
        this.seen = seen;
        this.events = events;
        this.clock = clock;
    }

    void announce(@Observes StartupEvent started) {
        if (roster.isEmpty()) {
            LOG.warn(
                    "no vantage roster is configured (baran.signing.roster.\"<kid>\".vantage / .public-key): EVERY outage"
                            + " event will be refused and dead-lettered; no failover or failback can be triggered by a detector");
        } else {
            LOG.infof("outage events are accepted from vantages %s, signed with keys %s", roster.vantages(), roster);
        }
    }

    /**
     * Checks an outage event as it came from Kafka.
     *
     * @return the event, verified
     * @throws RefusedEventException when it must not be acted on, saying why
     * @throws EventCodec.MalformedEventException when its signed content is not an outage event
     */
    public CloudEvent<OutageEvent> verify(String json) {
        try {
            EventSignature.Verified verified;
            try {
                verified = EventSignature.verify(json, roster);
            } catch (RefusedEventException e) {
                if (e.reason() == Reason.UNKNOWN_KEY && roster.isEmpty()) {
                    throw new RefusedEventException(
                            Reason.UNKNOWN_KEY,
                            e.getMessage().replaceFirst("^refused \\([a-z-]+\\): ", "")
                                    + " (no roster is configured: baran.signing.roster)",
                            e.kid());
                }
                throw e;
            }
            CloudEvent<OutageEvent> event = EventCodec.decodeOutage(verified.json());
            OutageEvent outage = event.data();
            if (!verified.vantage().equals(outage.vantage())) {
                throw new RefusedEventException(
                        Reason.WRONG_VANTAGE,
                        "event " + event.id() + " names vantage " + outage.vantage() + " but is signed with key "
                                + verified.kid() + " of vantage " + verified.vantage(),
                        verified.kid());
            }
            if (!OutageEvent.isIncidentOf(outage.scope(), outage.incidentId())) {
                // The incident's scope is read from its id wherever executions are found for it: an event whose
                // incident is not of its scope (a detector fed a forged decision) must neither start nor end anything.
                throw new RefusedEventException(
                        Reason.WRONG_SCOPE,
                        "event " + event.id() + " of scope " + outage.scope() + " names incident " + outage.incidentId()
                                + ", which is not an incident of that scope",
                        verified.kid());
            }
            if (OutageEvent.DETECTED.equals(event.type()) && isStale(event)) {
                throw new RefusedEventException(
                        Reason.STALE,
                        "event " + event.id() + ": outage of " + outage.scope() + " detected at " + event.time()
                                + " is older than " + events.maxAge(),
                        verified.kid());
            }
            if (OutageEvent.DETECTED.equals(event.type()) && isAhead(event)) {
                throw new RefusedEventException(
                        Reason.FUTURE,
                        "event " + event.id() + ": outage of " + outage.scope() + " detected at " + time(event)
                                + ", more than " + events.maxSkew() + " ahead of this clock (" + clock.instant()
                                + "); check the clocks of the detector and the orchestrator",
                        verified.kid());
            }
            if (seen.contains(event.id())) {
                throw new RefusedEventException(
                        Reason.REPLAYED,
                        "event " + event.id() + " (" + event.type() + " of " + outage.scope() + ", incident "
                                + outage.incidentId() + ") was seen before",
                        verified.kid());
            }
            return event;
        } catch (RefusedEventException e) {
            LOG.warnf(
                    "outage event %s %s; it starts and stops nothing and goes to the dead-letter topic",
                    describe(json), e.getMessage());
            throw e;
        }
    }

    /**
     * Remembers that this event was acted on, so a copy of it is refused from now on as replayed. Only then: a copy of
     * an event whose handling failed (Temporal or the database unreachable past the retries) must still be acted on
     * when it comes again, or that outage would never start a failover.
     */
    public void actedOn(CloudEvent<OutageEvent> event) {
        seen.firstSight(event.id(), null);
    }

    private boolean isStale(CloudEvent<OutageEvent> event) {
        Instant at = time(event);
        return at == null || at.isBefore(clock.instant().minus(events.maxAge()));
    }

    private boolean isAhead(CloudEvent<OutageEvent> event) {
        Instant at = time(event);
        return at != null && at.isAfter(clock.instant().plus(events.maxSkew()));
    }

    private static Instant time(CloudEvent<OutageEvent> event) {
        return event.time() != null ? event.time() : event.data().since();
    }

    /** The event's id as it claims it, for the log; nothing of it is trusted. */
    private static String describe(String json) {
        try {
            String id = EventCodec.decodeOutage(json).id();
            return id.length() > 80 ? id.substring(0, 80) + "..." : id;
        } catch (RuntimeException e) {
            return "(unreadable)";
        }
    }

    private static VantageRoster roster(SigningConfig signing) {
        Map<String, VantageRoster.Entry> entries = new HashMap<>();
        signing.roster()
                .forEach((kid, key) -> entries.put(kid, new VantageRoster.Entry(key.vantage(), key.publicKey())));
        try {
            return VantageRoster.parse(entries);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("baran.signing.roster: " + e.getMessage(), e);
        }
    }
}
