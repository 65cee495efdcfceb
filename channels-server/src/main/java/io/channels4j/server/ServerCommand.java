package io.channels4j.server;

import java.io.PrintStream;

/** The command line of {@link ChannelsServer#main}. Placeholder until the CLI lands. */
final class ServerCommand {

    private ServerCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        err.println("usage: ChannelsServer [options] <application>");
        return 2;
    }
}
