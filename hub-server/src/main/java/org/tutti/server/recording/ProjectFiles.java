package org.tutti.server.recording;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files beside a take's tracks that open them all at their places: a REAPER project
 * ({@code take.rpp}), an Audacity list of files ({@code take.lof}), and a summary ({@code take.json})
 * with every track's position, length and dropped frames. Paths inside are relative, so the folder
 * can be moved or copied whole. Each file is replaced atomically.
 */
final class ProjectFiles {
    static final String REAPER = "take.rpp";
    static final String AUDACITY = "take.lof";
    static final String SUMMARY = "take.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ProjectFiles() {
    }

    /** Writes all three for the take as it stands (tracks that have not started yet are left out). */
    static void write(Take take) throws IOException {
        List<Track> started = new ArrayList<>();
        for (Track track : take.tracks()) {
            if (track.startPeriod() >= 0) {
                started.add(track);
            }
        }
        if (take.mix().startPeriod() >= 0) {
            started.add(take.mix());
        }
        replace(take.folder().resolve(REAPER), reaper(take, started));
        replace(take.folder().resolve(AUDACITY), audacity(take, started));
        replace(take.folder().resolve(SUMMARY), JSON.writeValueAsString(summary(take)));
    }

    static String reaper(Take take, List<Track> tracks) {
        StringBuilder rpp = new StringBuilder();
        rpp.append("<REAPER_PROJECT 0.1 \"6.0\" ").append(take.startedAt().getEpochSecond()).append('\n');
        rpp.append("  SAMPLERATE ").append(take.sampleRate()).append(" 0 0\n");
        for (Track track : tracks) {
            rpp.append("  <TRACK\n");
            rpp.append("    NAME \"").append(quoted(track.name())).append("\"\n");
            rpp.append("    <ITEM\n");
            rpp.append("      POSITION ").append(seconds(take.position(track))).append('\n');
            rpp.append("      LENGTH ").append(seconds(take.seconds(track))).append('\n');
            rpp.append("      NAME \"").append(quoted(track.fileName())).append("\"\n");
            rpp.append("      <SOURCE WAVE\n");
            rpp.append("        FILE \"").append(quoted(track.fileName())).append("\"\n");
            rpp.append("      >\n");
            rpp.append("    >\n");
            rpp.append("  >\n");
        }
        rpp.append(">\n");
        return rpp.toString();
    }

    static String audacity(Take take, List<Track> tracks) {
        StringBuilder lof = new StringBuilder();
        for (Track track : tracks) {
            lof.append("file \"").append(track.fileName()).append("\" offset ").append(seconds(take.position(track)))
                    .append('\n');
        }
        return lof.toString();
    }

    static Map<String, Object> summary(Take take) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("take", take.name());
        summary.put("started", take.startedAt().toString());
        summary.put("stopped", take.stoppedAt() == null ? null : take.stoppedAt().toString());
        summary.put("sampleRate", take.sampleRate());
        summary.put("format", "32-bit float WAV");
        summary.put("mix", take.mixDescription());
        summary.put("seconds", take.seconds());
        summary.put("droppedFrames", take.droppedFrames());
        summary.put("error", take.error());
        List<Map<String, Object>> tracks = new ArrayList<>();
        for (Track track : take.tracks()) {
            tracks.add(track(take, track));
        }
        tracks.add(track(take, take.mix()));
        summary.put("tracks", tracks);
        return summary;
    }

    private static Map<String, Object> track(Take take, Track track) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", track.name());
        entry.put("file", track.fileName());
        entry.put("channels", track.channels());
        entry.put("positionSeconds", take.position(track));
        entry.put("positionFrames", track.startPeriod() < 0 || take.firstPeriod() < 0 ? 0
                : (track.startPeriod() - take.firstPeriod()) * take.frames());
        entry.put("seconds", take.seconds(track));
        entry.put("droppedFrames", track.droppedFrames());
        return entry;
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.9f", value);
    }

    private static String quoted(String text) {
        return text.replace('"', '\'').replace('\n', ' ');
    }

    private static void replace(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
