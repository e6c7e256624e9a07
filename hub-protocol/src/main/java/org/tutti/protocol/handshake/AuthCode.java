package org.tutti.protocol.handshake;

/**
 * The authentication codes a hub can send instead of a port (spec §2.2). All are above 65535 so
 * that old clients, which read the 4 bytes as a port, stay compatible.
 */
public enum AuthCode {
    /** From a client: "I want to authenticate". From a hub: "go ahead with TLS". */
    OK(65536),
    REQUIRED(131072),
    NOTREQUIRED(196608),
    WRONGCREDS(262144),
    WRONGTIME(327680);

    private final int wireValue;

    AuthCode(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }

    /** The code with this int32 value, or {@code null} when it is not an auth code. */
    public static AuthCode fromWire(int value) {
        for (AuthCode code : values()) {
            if (code.wireValue == value) {
                return code;
            }
        }
        return null;
    }
}
