package org.tutti.server.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Entry point of the runnable jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Parses, applies the config file if any, runs; returns the exit code. */
    static int run(String... args) {
        CommandLine line;
        try {
            line = commandLine(args);
        } catch (IllegalArgumentException e) {
            System.err.println("tutti: " + e.getMessage());
            return 2;
        }
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            System.err.println("tutti: " + e.getMessage());
            if (!(e instanceof org.tutti.server.Hub.HubStartException)) {
                org.slf4j.LoggerFactory.getLogger("tutti").error("hub failed", e);
            }
            return 1;
        });
        return line.execute(args);
    }

    /**
     * The command line with its defaults: the config file's (if {@code --config} names one), else the
     * hub's own ({@link BuilderDefaults}).
     */
    static CommandLine commandLine(String... args) {
        CommandLine line = new CommandLine(new TuttiCommand());
        Path configFile = findConfigArgument(args);
        CommandLine.IDefaultValueProvider configured = null;
        if (configFile != null) {
            try {
                configured = new CommandLine.PropertiesDefaultProvider(load(configFile, line));
            } catch (IllegalArgumentException | IOException e) {
                throw new IllegalArgumentException("bad config file " + configFile + ": " + e.getMessage(), e);
            }
        }
        line.setDefaultValueProvider(new BuilderDefaults(configured));
        return line;
    }

    /** Parses {@code args} (and the config file) into a hub configuration without starting anything. */
    static org.tutti.server.config.HubConfig parse(String... args) {
        CommandLine line = commandLine(args);
        line.parseArgs(args);
        return ((TuttiCommand) line.getCommand()).toConfig();
    }

    private static Path findConfigArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("-c") || arg.equals("--config")) && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (arg.startsWith("--config=")) {
                return Path.of(arg.substring("--config=".length()));
            }
        }
        return null;
    }

    /** Loads the file and rejects keys that are not long option names (typos must not pass silently). */
    private static Properties load(Path file, CommandLine line) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        Set<String> known = new HashSet<>();
        for (OptionSpec option : line.getCommandSpec().options()) {
            known.add(option.longestName().replaceFirst("^-+", ""));
        }
        for (String key : properties.stringPropertyNames()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "' (keys are long option names, e.g."
                        + " hubpatch, queue, udpbaseport)");
            }
        }
        return properties;
    }
}
