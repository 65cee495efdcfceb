package io.channels4j.server;

import java.nio.channels.Channel;

/** The open/close part of the fake socket channels of the selector-loop tests: open until the test ends. */
abstract class AlwaysOpenChannel implements Channel {

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
