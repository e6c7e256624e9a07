package org.tutti.server.testing;

import java.io.File;

/**
 * Real programs the integration tests need. A missing one is a failure with instructions, never a
 * skipped test: CI installs them in .ci/run.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    public static String require(String program, String debianPackage) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                File candidate = new File(dir, program);
                if (candidate.canExecute()) {
                    return candidate.getAbsolutePath();
                }
            }
        }
        throw new IllegalStateException(program + " is not installed; this test needs the real thing."
                + " Install it with: apt-get install -y " + debianPackage + " (.ci/run does this)");
    }
}
