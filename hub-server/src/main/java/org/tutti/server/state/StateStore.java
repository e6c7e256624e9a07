package org.tutti.server.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes {@link SavedState} in the state directory. Writes are atomic (temporary file,
 * fsync, rename), so a crash leaves the old file or the new one, never half of either. A file that
 * cannot be read is reported, moved aside and ignored: a corrupt state file never stops the hub.
 */
public final class StateStore {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.state");
    public static final String FILE = "hub-state.json";

    private final Path directory;
    private final Path file;
    private final ObjectMapper json;

    public StateStore(Path directory) {
        this.directory = directory;
        this.file = directory.resolve(FILE);
        this.json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    public Path file() {
        return file;
    }

    /** The saved state, or empty when there is none or it was unreadable (then moved aside). */
    public Optional<SavedState> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            SavedState state = json.readValue(file.toFile(), SavedState.class);
            if (state.version() != SavedState.VERSION) {
                throw new IOException("unknown state file version " + state.version());
            }
            return Optional.of(state);
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(FILE + ".corrupt-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                LOG.error("state file {} is unreadable ({}); moved it to {} and started with default mixes", file,
                        e.getMessage(), aside.getFileName());
            } catch (IOException moveFailed) {
                LOG.error("state file {} is unreadable ({}) and could not be moved aside ({}); starting with default"
                        + " mixes", file, e.getMessage(), moveFailed.getMessage());
            }
            return Optional.empty();
        }
    }

    /** Writes {@code state} atomically. */
    public void save(SavedState state) throws IOException {
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, FILE, ".tmp");
        try {
            byte[] bytes = json.writeValueAsBytes(state);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                // A write may take only part of the buffer (a disk that just filled up): the next one
                // then reports why, instead of a truncated file being renamed into place.
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory();
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every file system lets a directory be synced; the rename is still atomic.
        }
    }
}
