package io.baran.worker.provider.store;

import java.util.Collection;

/**
 * Change notifications of one bucket, where its store offers them: the keys written or removed there, soon after.
 * Best effort by nature (a notification can be late, doubled or lost, and none come while the feed is down), so
 * it only ever speeds up what the periodic list-and-compare passes would do anyway.
 */
public interface ChangeFeed extends AutoCloseable {

    /**
     * Starts delivering: {@code receiver} gets each notification (the keys it names, full keys inside the bucket),
     * from the feed's own threads, until {@link #close()}.
     */
    void start(Receiver receiver);

    /** e.g. {@code watching /srv/objects/assets}, for logs. */
    String describe();

    @Override
    void close();

    /** Where a feed hands its notifications. */
    @FunctionalInterface
    interface Receiver {

        /**
         * One notification. The receiver settles it at most once, from any thread, when its keys are handled (not when a
         * later delivery of the same {@link Settlement#message()} replaced it, nor when the receiver is closed first); a
         * notification naming no key of the bucket (another bucket's, a test event, one that could not be read) comes
         * with an empty {@code keys}, so that it is counted and settled like the others.
         */
        void changed(Collection<String> keys, Settlement settlement);
    }

    /**
     * What becomes of a notification once its keys are handled. A queue-backed feed removes (acknowledges) the
     * message only on {@link #recorded()}, so a notification whose change a crash or a failure kept from being recorded
     * is delivered again instead of lost.
     */
    interface Settlement {

        /** Nothing to settle (the operating system's notifications). */
        Settlement NONE = new Settlement() {
            @Override
            public void recorded() {}

            @Override
            public void retry() {}
        };

        /** Every replica recorded the change in its ledger, or had nothing to do for it: the message can go. */
        void recorded();

        /** The change is not recorded (a copy failed, the worker is stopping): let the message be delivered again. */
        void retry();

        /**
         * The queue's id of the message, the same each time it is delivered again (SQS's MessageId, a storage queue's
         * message id); null where there is none. A delivery of a message whose earlier delivery is not settled yet
         * replaces it (the receiver settles only the latest: its receipt is the one the queue takes), so a message
         * delivered again and again during a long pass is held once.
         */
        default String message() {
            return null;
        }
    }
}
