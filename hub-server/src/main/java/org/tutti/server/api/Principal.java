package org.tutti.server.api;

/** Who is calling: the operator, or the participant a token was issued to. */
public record Principal(boolean operator, String participant) {
    public static final Principal OPERATOR = new Principal(true, null);

    public static Principal participant(String name) {
        return new Principal(false, name);
    }

    /** Whether this caller may change {@code name}'s own mix. */
    public boolean mayEditMixOf(String name) {
        return operator || name.equals(participant);
    }
}
