package io.channels4j.consumer;

import io.channels4j.Message;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The handlers of one consumer class, found once by reflection and kept as {@link MethodHandle}s;
 * each event type is mapped to its handler the first time it is seen, then looked up in a map.
 * No reflection per message.
 */
final class HandlerTable {

    private static final MethodType HANDLER_TYPE = MethodType.methodType(void.class, Consumer.class, Message.class);
    /** The framework's own consumer classes, whose public methods are mostly API, not handlers. */
    private static final Set<Class<?>> FRAMEWORK_CLASSES = Set.of(
            Consumer.class, WebsocketConsumer.class, JsonWebsocketConsumer.class, HttpConsumer.class);
    /**
     * The only methods of the framework's own consumer classes that events may reach. Anything
     * else public there (send, close, accept, ...) is API, so an event whose type is, say,
     * {@code send} can never call it.
     */
    private static final Set<String> FRAMEWORK_HANDLERS = Set.of(
            "websocketConnect", "websocketReceive", "websocketDisconnect", "httpRequest", "httpDisconnect");

    private static final int MAX_CACHED_TYPES = 1024;

    private static final ClassValue<HandlerTable> TABLES = new ClassValue<>() {
        @Override
        protected HandlerTable computeValue(Class<?> type) {
            return new HandlerTable(type);
        }
    };

    private final Class<?> consumerClass;
    /** Handler method name to handle; built once. */
    private final Map<String, MethodHandle> byMethodName;
    /** Event type to handle (or empty); filled as types are seen. */
    private final Map<String, Optional<MethodHandle>> byType = new ConcurrentHashMap<>();

    private HandlerTable(Class<?> consumerClass) {
        this.consumerClass = consumerClass;
        this.byMethodName = scan(consumerClass);
    }

    static HandlerTable of(Class<? extends Consumer> type) {
        return TABLES.get(type);
    }

    /**
     * The handler for an event type.
     *
     * @param type the event type
     * @return the handle, or null if the class has none
     * @throws IllegalArgumentException if the type is malformed (leading underscore or dot)
     */
    MethodHandle find(String type) {
        Optional<MethodHandle> handler = byType.get(type);
        if (handler == null) {
            handler = Optional.ofNullable(byMethodName.get(methodName(type)));
            // Unknown types are cached only up to a bound, so a stream of distinct bogus types
            // cannot grow the table without limit.
            if (handler.isPresent() || byType.size() < MAX_CACHED_TYPES) {
                byType.put(type, handler);
            }
        }
        return handler.orElse(null);
    }

    Class<?> consumerClass() {
        return consumerClass;
    }

    /**
     * The handler method name for a type: dots become underscores as in Channels, then the
     * underscore-separated words are joined in camelCase ({@code chat.message} to
     * {@code chatMessage}, {@code websocket.connect} to {@code websocketConnect}).
     *
     * @param type the event type
     * @return the method name
     */
    static String methodName(String type) {
        if (type.isEmpty() || type.charAt(0) == '_' || type.charAt(0) == '.') {
            throw new IllegalArgumentException("Malformed type in message (leading underscore or dot): '" + type + "'");
        }
        StringBuilder sb = new StringBuilder(type.length());
        boolean upper = false;
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c == '.' || c == '_') {
                upper = true;
            } else if (upper) {
                sb.append(Character.toUpperCase(c));
                upper = false;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static Map<String, MethodHandle> scan(Class<?> type) {
        Map<String, MethodHandle> handlers = new HashMap<>();
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())
                    || method.getParameterCount() != 1
                    || method.getParameterTypes()[0] != Message.class) {
                continue;
            }
            boolean framework = FRAMEWORK_CLASSES.contains(method.getDeclaringClass());
            if (framework && !FRAMEWORK_HANDLERS.contains(method.getName())) {
                continue;
            }
            handlers.put(method.getName(), unreflect(type, method));
        }
        return Map.copyOf(handlers);
    }

    private static MethodHandle unreflect(Class<?> type, Method method) {
        try {
            if (!Modifier.isPublic(method.getDeclaringClass().getModifiers())) {
                method.setAccessible(true);
            }
            return MethodHandles.lookup().unreflect(method).asType(HANDLER_TYPE);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalStateException("handler " + method.getName() + "(Message) of " + type.getName()
                    + " is not accessible to channels4j: make the class public, or open its package to "
                    + "module io.channels4j.core", e);
        }
    }
}
