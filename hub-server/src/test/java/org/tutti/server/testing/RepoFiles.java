package org.tutti.server.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of this repository outside the module (deploy/, docs/), found from the test's working directory. */
public final class RepoFiles {
    private RepoFiles() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("deploy")) && Files.exists(dir.resolve("pom.xml")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public static Path resolve(String relative) {
        return root().resolve(relative);
    }
}
