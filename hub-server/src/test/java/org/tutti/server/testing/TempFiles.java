package org.tutti.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Temporary files and directories of a test run (hub state, client and server logs, recordings): there
 * while the run lasts, so a failure's message can point at them, and deleted when the JVM exits, so
 * runs do not pile thousands of them up in the temporary directory.
 */
public final class TempFiles {
    private static final List<Path> CREATED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::deleteAll, "delete-test-temp-files"));
    }

    private TempFiles() {
    }

    public static Path directory(String prefix) {
        try {
            return remember(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path file(String prefix, String suffix) {
        try {
            return remember(Files.createTempFile(prefix, suffix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path remember(Path path) {
        CREATED.add(path);
        return path;
    }

    private static void deleteAll() {
        for (Path root : CREATED) {
            try (Stream<Path> tree = Files.walk(root)) {
                tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // already gone, or not ours to delete any more
            }
        }
    }
}
