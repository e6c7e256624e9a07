package org.tutti.server.jack;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Sets variables in the process's native environment. libjack reads {@code JACK_DEFAULT_SERVER} when
 * a client opens, and jnajack 1.4 offers no other way to name the server, so Tutti sets it just
 * before opening its JACK client.
 */
public final class NativeEnvironment {
    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    private NativeEnvironment() {
    }

    public static void set(String name, String value) {
        if (LIBC.setenv(name, value, 1) != 0) {
            throw new IllegalStateException("setenv(" + name + ") failed");
        }
    }
}
