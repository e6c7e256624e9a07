package org.tutti.server.cli;

/** Lets tests in other packages run the command line as the jar's main would. */
public final class MainAccess {
    private MainAccess() {
    }

    public static int run(String... args) {
        return Main.run(args);
    }
}
