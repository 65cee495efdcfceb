package io.channels4j.worker;

import io.channels4j.Message;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelSink;
import io.channels4j.layer.Subscription;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A layer that forwards to another and records which threads receive; it can also fail the next
 * receives, as a layer whose server is down does.
 */
final class RecordingLayer implements ChannelLayer {

    private final ChannelLayer delegate;
    final Set<String> receivingThreads = ConcurrentHashMap.newKeySet();
    final AtomicInteger receiveFailuresToThrow = new AtomicInteger();
    final AtomicInteger receiveCalls = new AtomicInteger();

    RecordingLayer(ChannelLayer delegate) {
        this.delegate = delegate;
    }

    @Override
    public Message receive(String channel, Duration timeout) throws InterruptedException {
        receiveCalls.incrementAndGet();
        receivingThreads.add(Thread.currentThread().getName());
        if (receiveFailuresToThrow.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new io.channels4j.layer.ChannelLayerException("connection refused (simulated)", null);
        }
        return delegate.receive(channel, timeout);
    }

    @Override
    public Message receive(String channel) throws InterruptedException {
        return delegate.receive(channel);
    }

    @Override
    public void send(String channel, Message message) {
        delegate.send(channel, message);
    }

    @Override
    public String newChannel(String prefix) {
        return delegate.newChannel(prefix);
    }

    @Override
    public void groupAdd(String group, String channel) {
        delegate.groupAdd(group, channel);
    }

    @Override
    public void groupDiscard(String group, String channel) {
        delegate.groupDiscard(group, channel);
    }

    @Override
    public void groupSend(String group, Message message) {
        delegate.groupSend(group, message);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public int capacity(String channel) {
        return delegate.capacity(channel);
    }

    @Override
    public long droppedMessages() {
        return delegate.droppedMessages();
    }

    @Override
    public Subscription subscribe(String channel, ChannelSink sink) {
        return delegate.subscribe(channel, sink);
    }
}
