package org.tutti.server.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest (set by the build). */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Version.class.getPackage().getImplementationVersion();
        return new String[] {"Tutti " + (version == null ? "(development build)" : version),
            "JackTrip hub protocol: compatible with JackTrip 1.x and 2.x clients"};
    }
}
