package org.tutti.server.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.tutti.server.config.HubConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line's defaults, read from {@link HubConfig.Builder}: the defaults live there and only
 * there, so the options, {@code --help} and a hub built in code (tests, embedding) cannot disagree.
 * A config file's values ({@code --config}), when given, come first.
 */
final class BuilderDefaults implements CommandLine.IDefaultValueProvider {
    private static final Map<String, String> BY_OPTION = byOption(HubConfig.builder());

    private final CommandLine.IDefaultValueProvider configFile;

    /** @param configFile the config file's values, or null */
    BuilderDefaults(CommandLine.IDefaultValueProvider configFile) {
        this.configFile = configFile;
    }

    @Override
    public String defaultValue(ArgSpec argument) throws Exception {
        String configured = configFile == null ? null : configFile.defaultValue(argument);
        if (configured != null || !(argument instanceof OptionSpec option)) {
            return configured;
        }
        return BY_OPTION.get(option.longestName());
    }

    /** Each option's default, written as the option takes it. */
    private static Map<String, String> byOption(HubConfig.Builder b) {
        return Map.ofEntries(
                Map.entry("--hubpatch", Integer.toString(b.patchMode.number())),
                Map.entry("--queue", b.queueAuto ? "auto" : Integer.toString(b.queuePackets)),
                Map.entry("--queue-margin-ms", number(b.queueMarginMillis)),
                Map.entry("--concealment", b.concealment.label()),
                Map.entry("--queue-ms", number(b.queueMillis)),
                Map.entry("--timeout", seconds(b.sessionTimeout)),
                Map.entry("--first-audio-timeout", seconds(b.firstAudioTimeout)),
                Map.entry("--redundancy", b.sendRedundancy == 0 ? "auto" : Integer.toString(b.sendRedundancy)),
                Map.entry("--rate", Integer.toString(b.sampleRate)),
                Map.entry("--period", Integer.toString(b.periodFrames)),
                Map.entry("--hub-input", b.hubInput.spec()),
                Map.entry("--max-participants", Integer.toString(b.maxParticipants)),
                Map.entry("--max-channels", Integer.toString(b.maxChannels)),
                Map.entry("--transport", b.transport.label()),
                Map.entry("--io-threads", Integer.toString(b.ioThreads)),
                Map.entry("--name-wait-ms", Long.toString(b.nameWait.toMillis())),
                Map.entry("--spin-us", Integer.toString(b.spinMicros)),
                Map.entry("--realtime-priority", Integer.toString(b.realtimePriority)),
                Map.entry("--http-port", Integer.toString(b.httpPort)),
                Map.entry("--http-bind", b.httpBind),
                Map.entry("--jack-name", b.jackClientName),
                Map.entry("--jack-ports", b.jackPorts),
                Map.entry("--jack-engine", b.jackEngine),
                Map.entry("--jack-aliases", Boolean.toString(b.jackAliases)),
                Map.entry("--state-dir", b.stateDirectory.toString()),
                Map.entry("--record-mix", b.recordMix));
    }

    /** 2.0 as "2", 0.5 as "0.5": what a user would type, and what --help shows. */
    private static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static String seconds(Duration duration) {
        return number(duration.toNanos() / 1e9);
    }
}
