package org.tutti.server.session;

import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.SampleRate;
import org.tutti.server.config.HubConfig;

/** Why a client cannot join, in words an operator reads in the log. */
record Refusal(SessionEndReason reason, String detail) {

    static Refusal of(DatagramCheck check, int rateCode, int bits, HubConfig config) {
        if (check == DatagramCheck.SAMPLE_RATE_MISMATCH) {
            SampleRate rate = SampleRate.fromCode(rateCode);
            String theirs = rate == null || rate == SampleRate.UNDEFINED ? "rate code " + rateCode : rate.hertz() + " Hz";
            return new Refusal(SessionEndReason.SAMPLE_RATE_MISMATCH,
                    "client sends " + theirs + ", the hub runs at " + config.sampleRate() + " Hz");
        }
        return new Refusal(SessionEndReason.BIT_RESOLUTION_MISMATCH,
                "client sends " + bits + "-bit, the hub requires " + config.requiredResolution().bits() + "-bit (-b)");
    }
}
