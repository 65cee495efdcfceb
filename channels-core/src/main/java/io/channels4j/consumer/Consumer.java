package io.channels4j.consumer;

import io.channels4j.Application;
import io.channels4j.Inbox;
import io.channels4j.InvalidMessageException;
import io.channels4j.Message;
import io.channels4j.Receive;
import io.channels4j.Resumable;
import io.channels4j.Scope;
import io.channels4j.Send;
import io.channels4j.StopConsumer;
import io.channels4j.layer.ChannelLayer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InvalidChannelLayerException;
import io.channels4j.layer.Subscription;

import java.lang.invoke.MethodHandle;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base of every consumer: Channels' {@code AsyncConsumer}/{@code SyncConsumer} in one,
 * blocking and cheap because handlers run on virtual threads.
 *
 * <p><b>Lifecycle.</b> {@link #asApplication(Supplier)} turns a consumer class into an
 * {@link Application} that creates <em>one instance per connection</em>. The instance gets its
 * {@link #scope()}, a {@link #channelLayer()} (the one registered under
 * {@link #channelLayerAlias()}, if any) and a fresh {@link #channelName()} on it, then handles
 * events until a handler throws {@link StopConsumer} (the generic consumers do so on disconnect).
 *
 * <p><b>Dispatch.</b> Each event goes to the public method named after its {@code type}, taking
 * one {@link Message}: {@code chat.message} calls {@code chatMessage(Message)} (dots and
 * underscores become camelCase). Handlers are resolved once per class, not per message. An event
 * with no handler is an error naming the type and the class, and ends the consumer.
 *
 * <p><b>Threading.</b> Client events and channel-layer messages for {@link #channelName()} arrive
 * in one inbox and are handled <em>one at a time, in arrival order</em>: handlers never run
 * concurrently for one instance, and each starts after the previous one ended, so consumer fields
 * need no synchronization. Blocking in a handler (a database call, a {@code groupSend}) delays
 * only this connection. Run by a protocol server, the consumer is a {@link Resumable}: when its
 * inbox is empty it gives its thread back, and the next event runs it on a new virtual thread,
 * so successive handlers may run on different threads (keep state in fields, not in
 * {@code ThreadLocal}s). Run through {@link Application#run} (a test communicator, a middleware
 * that wraps the call), it keeps one thread for the whole connection.
 */
public abstract class Consumer {

    private static final Logger log = LoggerFactory.getLogger(Consumer.class);
    private static final AtomicLong PUMPS = new AtomicLong();

    private Scope scope;
    private Send baseSend;
    private ChannelLayer channelLayer;
    private String channelName;
    private String channelLayerAliasUsed;
    private Inbox inbox;
    private Subscription subscription;
    /** Set when started as a {@link Resumable}: where the rest runs after stepping off. */
    private Inbox.Launcher launcher;
    private Inbox.Step resume;

    /** Creates the consumer; the framework calls the subclass constructor once per connection. */
    protected Consumer() {
    }

    /**
     * An application that runs a new consumer, made by {@code factory}, for every connection,
     * with channel layers from {@link ChannelLayers#defaults()}. Channels' {@code as_asgi()}.
     *
     * @param factory makes one consumer per connection, e.g. {@code ChatConsumer::new}
     * @return the application
     */
    public static Application asApplication(Supplier<? extends Consumer> factory) {
        return asApplication(factory, ChannelLayers.defaults());
    }

    /**
     * An application that runs a new consumer per connection with the given layer registry (for
     * tests and for applications that keep several registries).
     *
     * @param factory makes one consumer per connection
     * @param layers  where {@link #channelLayerAlias()} is looked up
     * @return the application
     */
    public static Application asApplication(Supplier<? extends Consumer> factory, ChannelLayers layers) {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(layers, "layers");
        return new PerConnection(factory, layers);
    }

    /**
     * The application {@link #asApplication} returns: a named class rather than a lambda, one frame
     * fewer on a stack that is kept for as long as the connection waits for events.
     */
    private record PerConnection(Supplier<? extends Consumer> factory, ChannelLayers layers) implements Resumable {
        @Override
        public void run(Scope scope, Receive receive, Send send) throws Exception {
            Consumer consumer = Objects.requireNonNull(factory.get(), "consumer factory returned null");
            consumer.runConsumer(scope, receive, send, layers);
        }

        @Override
        public boolean start(Scope scope, Inbox inbox, Send send, Inbox.Launcher launcher) throws Exception {
            Consumer consumer = Objects.requireNonNull(factory.get(), "consumer factory returned null");
            return consumer.startConsumer(scope, inbox, send, layers, launcher);
        }
    }

    /**
     * The alias of the channel layer this consumer uses; override to pick another. Channels'
     * {@code channel_layer_alias}.
     *
     * @return {@code "default"} unless overridden
     */
    protected String channelLayerAlias() {
        return ChannelLayers.DEFAULT_ALIAS;
    }

    /** @return the connection's scope; available from the first handler on */
    public final Scope scope() {
        return scope;
    }

    /**
     * The channel layer registered under {@link #channelLayerAlias()}.
     *
     * @return the layer
     * @throws InvalidChannelLayerException if no layer is registered under the alias
     */
    public final ChannelLayer channelLayer() {
        if (channelLayer == null) {
            throw new InvalidChannelLayerException("no channel layer is configured under alias '"
                    + (channelLayerAliasUsed == null ? channelLayerAlias() : channelLayerAliasUsed)
                    + "' for " + getClass().getName()
                    + "; register one, e.g. ChannelLayers.defaults().set(\"default\", new InMemoryChannelLayer())");
        }
        return channelLayer;
    }

    /** @return true if a channel layer is configured for this consumer */
    public final boolean hasChannelLayer() {
        return channelLayer != null;
    }

    /**
     * This consumer's own channel on the layer: messages sent there (directly or through a group)
     * are dispatched to this instance.
     *
     * @return the channel name, or null when no layer is configured
     */
    public final String channelName() {
        return channelName;
    }

    /**
     * Sends a raw event to the client side (Channels' {@code base_send}). Generic consumers offer
     * typed methods ({@code send(String)}, {@code sendBody(...)}) on top.
     *
     * @param event the event
     */
    protected void sendEvent(Message event) {
        baseSend.send(event);
    }

    /**
     * Dispatches one event to its handler. Override to intercept every event; call
     * {@code super.dispatch(event)} to keep the default.
     *
     * @param event the event
     * @throws Exception whatever the handler throws
     */
    protected void dispatch(Message event) throws Exception {
        String type = event.type();
        if (type == null) {
            throw new InvalidMessageException("Incoming message has no 'type' key: " + event);
        }
        MethodHandle handler = HandlerTable.of(getClass()).find(type);
        if (handler == null) {
            throw new IllegalStateException("No handler for message type '" + type + "' in consumer "
                    + getClass().getName() + ": add a method public void "
                    + HandlerTable.methodName(type) + "(Message event)");
        }
        try {
            handler.invokeExact(this, event);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Called once when the consumer's loop ends, on the consumer's thread, before its layer
     * subscription is closed: the place for generic consumers to guarantee their disconnect
     * hook. Does nothing by default.
     *
     * @param failure the exception that ended the loop, or null when a {@link StopConsumer} ended it
     */
    protected void onExit(Throwable failure) {
    }

    /** Blocks on the connection's thread for the whole connection: {@link Application#run}. */
    private void runConsumer(Scope scope, Receive receive, Send send, ChannelLayers layers) throws Exception {
        Inbox inbox;
        Thread pump = null;
        if (receive instanceof Inbox shared) {
            inbox = shared;
        } else {
            inbox = new Inbox();
            pump = startPump(receive, inbox);
        }
        try {
            begin(scope, send, layers, inbox);
            while (true) {
                dispatch(inbox.receive());
            }
        } catch (StopConsumer stop) {
            finish(null, pump);
        } catch (Throwable t) {
            finish(t, pump);
        }
    }

    /**
     * Runs until the inbox is empty, then steps off the thread ({@link Resumable#start}); the rest
     * runs in {@link #resume}.
     */
    private boolean startConsumer(Scope scope, Inbox inbox, Send send, ChannelLayers layers, Inbox.Launcher launcher)
            throws Exception {
        try {
            begin(scope, send, layers, inbox);
        } catch (Throwable t) {
            finish(t, null);
        }
        this.launcher = launcher;
        this.resume = this::resume;
        return resume();
    }

    /** Handles what the inbox holds; false once it is empty and this consumer stepped off its thread. */
    private boolean resume() throws Exception {
        try {
            Message event;
            while ((event = inbox.pollOrDetach(resume, launcher)) != null) {
                dispatch(event);
            }
            return false;
        } catch (StopConsumer stop) {
            finish(null, null);
        } catch (Throwable t) {
            finish(t, null);
        }
        return true;
    }

    /** Takes the connection and subscribes this consumer's channel to the inbox. */
    private void begin(Scope scope, Send send, ChannelLayers layers, Inbox inbox) {
        this.scope = Objects.requireNonNull(scope, "scope");
        this.baseSend = Objects.requireNonNull(send, "send");
        this.inbox = inbox;
        this.channelLayerAliasUsed = channelLayerAlias();
        this.channelLayer = layers.get(channelLayerAliasUsed);
        if (channelLayer != null) {
            channelName = channelLayer.newChannel();
            int capacity = channelLayer.capacity(channelName);
            subscription = channelLayer.subscribe(channelName, message -> inbox.offerFromLayer(message, capacity));
        }
    }

    /**
     * Ends the consumer: {@link #onExit}, then the layer subscription (and the pump) are closed, then
     * {@code failure} (null for a clean end) is thrown on.
     */
    private void finish(Throwable failure, Thread pump) throws Exception {
        try {
            onExit(failure);
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                failure = e;
            }
        } finally {
            if (subscription != null) {
                subscription.close();
            }
            if (pump != null) {
                pump.interrupt();
            }
        }
        if (failure != null) {
            if (failure instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (failure instanceof Exception e) {
                throw e;
            }
            throw (Error) failure;
        }
    }

    /** Moves events from a foreign {@link Receive} into the inbox, for callers that are not a server. */
    private Thread startPump(Receive receive, Inbox inbox) {
        Thread consumerThread = Thread.currentThread();
        return Thread.ofVirtual().name("channels4j-receive-pump-" + PUMPS.incrementAndGet()).start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    inbox.put(receive.receive());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("receive failed for {}; stopping the consumer", getClass().getName(), e);
                consumerThread.interrupt();
            }
        });
    }
}
