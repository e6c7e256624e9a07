package org.tutti.server.mix;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The conductor mode: when enabled, everyone hears the mix that one participant (or, with
 * {@code participant} null, the operator) has set, plus their own voice at their own level.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MixMaster(boolean enabled, String participant) {
    public static final MixMaster OFF = new MixMaster(false, null);

    public boolean byOperator() {
        return enabled && participant == null;
    }
}
