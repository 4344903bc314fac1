package io.baran.worker.provider.store;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Changes of a bucket directory, from the operating system ({@link WatchService}: inotify on Linux), every
 * directory of the tree watched, new ones as they appear. Baran's own {@code .baran-partial-} files are left
 * out: their rename into place is the change. An overflow (too many changes at once) is dropped: the pass
 * catches up.
 */
public final class DirectoryWatch implements ChangeFeed {

    private static final Logger LOG = Logger.getLogger(DirectoryWatch.class);

    private final Path bucket;
    private final WatchService watcher;
    private Thread thread;

    public DirectoryWatch(Path bucket) {
        this.bucket = bucket.toAbsolutePath().normalize();
        try {
            this.watcher = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void start(Receiver receiver) {
        Consumer<String> changed = key -> receiver.changed(java.util.List.of(key), Settlement.NONE);
        registerTree(bucket);
        thread = new Thread(() -> deliver(changed), "baran-watch-" + bucket.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    private void deliver(Consumer<String> changed) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        continue;
                    }
                    Path file = dir.resolve((Path) event.context());
                    if (event.kind() == ENTRY_CREATE && Files.isDirectory(file)) {
                        registerTree(file);
                        filesIn(file, changed); // written before the directory was watched
                        continue;
                    }
                    String name = file.getFileName().toString();
                    if (!name.startsWith(FileBlobStore.PARTIAL)) {
                        changed.accept(bucket.relativize(file).toString().replace(java.io.File.separatorChar, '/'));
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private void filesIn(Path dir, Consumer<String> changed) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(FileBlobStore.PARTIAL))
                    .forEach(f ->
                            changed.accept(bucket.relativize(f).toString().replace(java.io.File.separatorChar, '/')));
        } catch (IOException | UncheckedIOException e) {
            // gone again: nothing to report
        }
    }

    /** Watches the directory and every directory below it; files already there are the pass's to compare. */
    private void registerTree(Path dir) {
        try (Stream<Path> dirs = Files.walk(dir)) {
            dirs.filter(Files::isDirectory).forEach(d -> {
                try {
                    d.register(watcher, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
                } catch (IOException e) {
                    LOG.warnf("cannot watch %s (%s): its changes wait for the next pass", d, e.getMessage());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warnf("cannot watch %s (%s): its changes wait for the next pass", dir, e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "watching " + bucket;
    }

    @Override
    public synchronized void close() {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
