package io.baran.testinfra;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * The lines a log category writes while it is open, as formatted messages: for a test of a service running in the
 * test's own JVM ({@code @QuarkusTest}) that asserts what the service logs.
 */
public final class CapturedLog implements AutoCloseable {

    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private CapturedLog(String category) {
        logger = Logger.getLogger(category);
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    /** Starts capturing what {@code category} (and the categories below it) logs. */
    public static CapturedLog of(String category) {
        return new CapturedLog(category);
    }

    /** The lines so far, oldest first. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
