package org.tutti.server.jack;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import java.util.EnumSet;
import org.jaudiolibs.jnajack.Jack;
import org.jaudiolibs.jnajack.JackClient;
import org.jaudiolibs.jnajack.JackException;
import org.jaudiolibs.jnajack.JackOptions;
import org.jaudiolibs.jnajack.JackPort;
import org.jaudiolibs.jnajack.JackStatus;
import org.jaudiolibs.jnajack.lowlevel.JackLibrary;

/** Opening JACK clients on a named server, and the port calls jnajack 1.4 leaves out. */
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
        return call(port, (lib, pointer) -> lib.jack_port_set_alias(pointer, alias));
    }

    /** Removes an alias given with {@link #setAlias}; whether JACK accepted it. */
    public static boolean unsetAlias(JackPort port, String alias) {
        return call(port, (lib, pointer) -> lib.jack_port_unset_alias(pointer, alias));
    }

    /**
     * Renames {@code port}, one of {@code client}'s own (short name, without the client's), in place:
     * a notification for JACK's other clients, not a change of the graph as unregistering one port and
     * registering another is. Uses {@code jack_port_rename} (jnajack 1.4 does not declare it; the
     * older {@code jack_port_set_name} it does declare prints "deprecated" on every call in JACK 2).
     * jnajack's {@link JackPort#getShortName()} keeps the old name afterwards.
     */
    public static boolean rename(JackClient client, JackPort port, String shortName) {
        try {
            Function portRename = NativeLibrary.getInstance("jack").getFunction("jack_port_rename");
            JackLibrary._jack_client clientPtr = clientPointer(client);
            return call(port, (lib, pointer) -> portRename.invokeInt(new Object[] {clientPtr, pointer, shortName}));
        } catch (UnsatisfiedLinkError | ReflectiveOperationException | RuntimeException e) {
            return call(port, (lib, pointer) -> lib.jack_port_set_name(pointer, shortName));
        }
    }

    private static JackLibrary._jack_client clientPointer(JackClient client) throws ReflectiveOperationException {
        Field clientPointer = JackClient.class.getDeclaredField("clientPtr");
        clientPointer.setAccessible(true);
        return (JackLibrary._jack_client) clientPointer.get(client);
    }

    /** jnajack's handle of {@code client}'s native {@code jack_client_t*}, for libjack calls jnajack lacks. */
    static JackLibrary._jack_client handle(JackClient client) {
        try {
            return clientPointer(client);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("jnajack's client keeps no pointer where expected", e);
        }
    }

    /** The native {@code jack_client_t*} of {@code client}, for {@link JackCycle}. */
    static long address(JackClient client) {
        return Pointer.nativeValue(handle(client).getPointer());
    }

    /** The native {@code jack_port_t*} of {@code port}, for {@link JackCycle}. */
    static long address(JackPort port) {
        try {
            return Pointer.nativeValue(portPointer(port).getPointer());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("jnajack's port keeps no pointer where expected", e);
        }
    }

    private static JackLibrary._jack_port portPointer(JackPort port) throws ReflectiveOperationException {
        Field pointer = JackPort.class.getDeclaredField("portPtr");
        pointer.setAccessible(true);
        return (JackLibrary._jack_port) pointer.get(port);
    }

    /** How many connections {@code port} has (0 if JACK cannot say). Not for the audio thread. */
    public static int connections(JackPort port) {
        int[] count = new int[1];
        boolean asked = call(port, (lib, pointer) -> {
            count[0] = lib.jack_port_connected(pointer);
            return 0;
        });
        return asked ? Math.max(0, count[0]) : 0;
    }

    /** Breaks every connection of {@code port}, one of {@code client}'s own. */
    public static boolean disconnectAll(JackClient client, JackPort port) {
        try {
            JackLibrary._jack_client clientPtr = clientPointer(client);
            return call(port, (lib, pointer) -> lib.jack_port_disconnect(clientPtr, pointer));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private interface PortCall {
        int apply(JackLibrary lib, JackLibrary._jack_port pointer);
    }

    /** jnajack 1.4 keeps the library and the native port pointer private; the calls here need both. */
    private static boolean call(JackPort port, PortCall call) {
        try {
            Field library = JackPort.class.getDeclaredField("jackLib");
            library.setAccessible(true);
            JackLibrary lib = (JackLibrary) library.get(port);
            return call.apply(lib, portPointer(port)) == 0;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
