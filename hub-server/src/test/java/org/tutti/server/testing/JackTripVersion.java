package org.tutti.server.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Which real JackTrip client the tests run: Debian's 1.7.0 (on the PATH) or the upstream 2.7.2 that
 * {@code tools/jacktrip-2.7.2/build.sh} builds, which most users run. The system property
 * {@code tutti.jacktrip} ({@code 1.7.0} by default, or {@code 2.7.2}) chooses; the build runs the
 * real-client tests once with each. A missing client fails the test with instructions, never skips it.
 */
public enum JackTripVersion {
    DEBIAN_1_7("1.7.0"),
    UPSTREAM_2_7("2.7.2");

    private final String version;
    private volatile String checkedExecutable;

    JackTripVersion(String version) {
        this.version = version;
    }

    /** The client this test run uses. */
    public static JackTripVersion current() {
        String wanted = System.getProperty("tutti.jacktrip", "1.7.0");
        for (JackTripVersion v : values()) {
            if (v.version.equals(wanted)) {
                return v;
            }
        }
        throw new IllegalStateException("tutti.jacktrip=" + wanted + ": known versions are 1.7.0 and 2.7.2");
    }

    public String version() {
        return version;
    }

    /** The executable, checked once to report this version. */
    public String executable() {
        String known = checkedExecutable;
        if (known != null) {
            return known;
        }
        String path = this == DEBIAN_1_7 ? ExternalTools.require("jacktrip", "jacktrip") : upstreamPath();
        String reported = versionOf(path);
        if (!reported.contains(version)) {
            throw new IllegalStateException(path + " reports '" + reported + "', not JackTrip " + version);
        }
        checkedExecutable = path;
        return path;
    }

    private static String upstreamPath() {
        String configured = System.getProperty("tutti.jacktrip2", System.getenv("TUTTI_JACKTRIP2"));
        File file = configured != null && !configured.isBlank() ? new File(configured)
                : new File(System.getProperty("user.home"), ".cache/tutti/jacktrip-2.7.2/jacktrip");
        if (!file.canExecute()) {
            throw new IllegalStateException("JackTrip 2.7.2 is not built at " + file + "; this test needs the real"
                    + " client. Build it with tools/jacktrip-2.7.2/build.sh (tools/test-setup.sh does, with the"
                    + " Debian packages it needs)");
        }
        return file.getAbsolutePath();
    }

    private static String versionOf(String executable) {
        try {
            Process process = new ProcessBuilder(executable, "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return output.strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "JackTrip " + version;
    }
}
