package org.tutti.server.jack;

import java.lang.reflect.Field;
import java.util.EnumSet;
import org.jaudiolibs.jnajack.Jack;
import org.jaudiolibs.jnajack.JackClient;
import org.jaudiolibs.jnajack.JackException;
import org.jaudiolibs.jnajack.JackOptions;
import org.jaudiolibs.jnajack.JackPort;
import org.jaudiolibs.jnajack.JackStatus;
import org.jaudiolibs.jnajack.lowlevel.JackLibrary;

/** Opening JACK clients on a named server, and the two things jnajack 1.4 leaves out. */
public final class JackConnection {
    private JackConnection() {
    }

    /**
     * Opens {@code clientName} on {@code serverName} (null = the default server) without starting a
     * server. jnajack ignores a server-name argument, so the name goes through JACK_DEFAULT_SERVER.
     */
    public static synchronized JackClient open(String serverName, String clientName) throws JackException {
        if (serverName != null) {
            NativeEnvironment.set("JACK_DEFAULT_SERVER", serverName);
        }
        NativeEnvironment.set("JACK_NO_START_SERVER", "1");
        EnumSet<JackStatus> status = EnumSet.noneOf(JackStatus.class);
        return Jack.getInstance().openClient(clientName,
                EnumSet.of(JackOptions.JackNoStartServer, JackOptions.JackUseExactName), status);
    }

    /**
     * Gives {@code port} an alias ("alice:receive_1"), so connection scripts written for JackTrip's
     * one-client-per-participant names still work: JACK looks ports up by name or alias.
     *
     * @return whether JACK accepted it
     */
    public static boolean setAlias(JackPort port, String alias) {
        try {
            Field pointer = JackPort.class.getDeclaredField("portPtr");
            Field library = JackPort.class.getDeclaredField("jackLib");
            pointer.setAccessible(true);
            library.setAccessible(true);
            JackLibrary lib = (JackLibrary) library.get(port);
            return lib.jack_port_set_alias((JackLibrary._jack_port) pointer.get(port), alias) == 0;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
