package org.tutti.server.deploy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Commands the deployment tests run as root, as an operator installs a hub (debootstrap, podman, buildah,
 * switching to the hub's user): directly when the tests run as root (CI), else through {@code sudo -n},
 * which fails at once, with sudo's own message, where it would ask for a password.
 */
final class AsRoot {
    private static final boolean ROOT = ProcessHandle.current().info().user().map("root"::equals).orElse(false);

    private AsRoot() {
    }

    static List<String> command(List<String> command) {
        if (ROOT) {
            return command;
        }
        List<String> sudo = new ArrayList<>(List.of("sudo", "-n", "--"));
        sudo.addAll(command);
        return sudo;
    }

    static List<String> command(String... command) {
        return command(Arrays.asList(command));
    }
}
