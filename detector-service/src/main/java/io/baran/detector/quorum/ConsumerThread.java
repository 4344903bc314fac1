package io.baran.detector.quorum;

import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A Kafka consumer that runs on a daemon thread of its own until closed: {@link #run()} loops while
 * {@link #closed} is false, publishes the consumer it polls with {@link #polling} so that {@link #close()} can wake
 * it, and waits between attempts with {@link #pause}.
 */
abstract class ConsumerThread implements AutoCloseable {

    private final Thread thread;
    private volatile KafkaConsumer<?, ?> consumer;
    protected volatile boolean closed;

    ConsumerThread(String threadName) {
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** The loop; returns once {@link #closed} is set or the thread is interrupted. */
    protected abstract void run();

    /** The consumer being polled now, or null between sessions: the one {@link #close()} wakes up. */
    protected final void polling(KafkaConsumer<?, ?> current) {
        consumer = current;
    }

    /** Sleeps between attempts; an interrupt ends the loop. */
    protected final void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Stops: wakes a consumer that polls (leaving its group at once), or interrupts a pause, and waits for the thread. */
    @Override
    public void close() {
        closed = true;
        KafkaConsumer<?, ?> c = consumer;
        if (c != null) {
            c.wakeup();
        } else {
            thread.interrupt();
        }
        try {
            thread.join(5_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
