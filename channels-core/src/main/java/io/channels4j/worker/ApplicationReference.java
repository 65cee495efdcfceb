package io.channels4j.worker;

import io.channels4j.Application;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Finds the application a {@code runworker} command line names, as Django finds
 * {@code ASGI_APPLICATION = "mysite.asgi.application"}:
 *
 * <ul>
 *   <li>{@code com.example.Asgi:member}: a public static field, or a public static method without
 *       parameters, of that class;</li>
 *   <li>{@code com.example.Asgi}: the class itself when it implements {@link Application} or
 *       {@link Supplier} and has a public no-arg constructor, otherwise its public static member
 *       named {@value #DEFAULT_MEMBER}.</li>
 * </ul>
 *
 * <p>The value found must be an {@link Application}, or a {@link Supplier} of one (called once).
 * A nested class may be written {@code Outer$Inner} or {@code Outer.Inner}. The class must be
 * public (and, in a named module, its package exported). Stateless; called once, on the thread
 * that starts the worker.
 */
final class ApplicationReference {

    /** The member used when the reference names a class only. */
    static final String DEFAULT_MEMBER = "application";

    private ApplicationReference() {
    }

    /** The reference cannot be resolved to an application; the message says why. */
    static final class LoadException extends Exception {
        private static final long serialVersionUID = 1L;

        LoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Resolves a reference.
     *
     * @param reference {@code Class:member} or {@code Class}
     * @param loader    where classes are looked up
     * @return the application
     * @throws LoadException if the class or member is missing, not accessible, or not an application
     */
    static Application load(String reference, ClassLoader loader) throws LoadException {
        Objects.requireNonNull(reference, "reference");
        String ref = reference.strip();
        int colon = ref.indexOf(':');
        String className = colon < 0 ? ref : ref.substring(0, colon);
        String member = colon < 0 ? null : ref.substring(colon + 1);
        if (className.isEmpty() || (member != null && member.isEmpty())) {
            throw new LoadException("expected com.example.Class:member or com.example.Class, got '" + reference + "'", null);
        }
        Class<?> type = findClass(className, loader);
        Object value;
        if (member != null) {
            value = staticMember(type, member);
            if (value == null) {
                throw new LoadException(type.getName() + " has no public static field or method without parameters named '"
                        + member + "'" + hint(type, member), null);
            }
        } else if (Application.class.isAssignableFrom(type) || Supplier.class.isAssignableFrom(type)) {
            value = instantiate(type);
        } else {
            value = staticMember(type, DEFAULT_MEMBER);
            if (value == null) {
                throw new LoadException(type.getName() + " is not an Application or a Supplier, and has no public static"
                        + " field or method without parameters named '" + DEFAULT_MEMBER + "'", null);
            }
        }
        return toApplication(value, reference);
    }

    private static Class<?> findClass(String name, ClassLoader loader) throws LoadException {
        List<String> tried = new ArrayList<>();
        String candidate = name;
        while (true) {
            tried.add(candidate);
            try {
                return Class.forName(candidate, true, loader);
            } catch (ClassNotFoundException e) {
                int dot = candidate.lastIndexOf('.');
                if (dot < 0) {
                    break;
                }
                candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1);
            } catch (LinkageError e) {
                throw new LoadException("class " + candidate + " could not be loaded: " + e, e);
            }
        }
        throw new LoadException("class " + name + " not found on the class path (tried " + String.join(", ", tried) + ")",
                null);
    }

    /** The value of a public static field, else of a public static no-arg method; null if neither exists. */
    private static Object staticMember(Class<?> type, String name) throws LoadException {
        try {
            Field field = type.getField(name);
            if (Modifier.isStatic(field.getModifiers())) {
                return requireNonNull(field.get(null), type, name);
            }
        } catch (NoSuchFieldException e) {
            // try a method
        } catch (IllegalAccessException e) {
            throw notAccessible(type, e);
        } catch (ExceptionInInitializerError e) {
            throw initFailed(type, e.getCause());
        }
        try {
            Method method = type.getMethod(name);
            if (Modifier.isStatic(method.getModifiers())) {
                return requireNonNull(method.invoke(null), type, name);
            }
        } catch (NoSuchMethodException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw notAccessible(type, e);
        } catch (InvocationTargetException e) {
            throw new LoadException(type.getName() + "." + name + "() failed: " + e.getCause(), e.getCause());
        } catch (ExceptionInInitializerError e) {
            throw initFailed(type, e.getCause());
        }
        return null;
    }

    private static Object requireNonNull(Object value, Class<?> type, String name) throws LoadException {
        if (value == null) {
            throw new LoadException(type.getName() + "." + name + " is null", null);
        }
        return value;
    }

    private static String hint(Class<?> type, String name) {
        for (Field f : type.getDeclaredFields()) {
            if (f.getName().equals(name)) {
                return " (a field '" + name + "' exists but is not public static)";
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return " (a method '" + name + "' exists but is not public static without parameters)";
            }
        }
        return "";
    }

    private static Object instantiate(Class<?> type) throws LoadException {
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new LoadException(type.getName() + " needs a public no-arg constructor to be used as the application",
                    null);
        }
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new LoadException("new " + type.getName() + "() failed: " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw notAccessible(type, e);
        } catch (InstantiationException e) {
            throw new LoadException(type.getName() + " is abstract", e);
        } catch (ExceptionInInitializerError e) {
            throw initFailed(type, e.getCause());
        }
    }

    private static Application toApplication(Object value, String reference) throws LoadException {
        Object resolved = value;
        if (!(resolved instanceof Application) && resolved instanceof Supplier<?> supplier) {
            try {
                resolved = supplier.get();
            } catch (RuntimeException e) {
                throw new LoadException("the Supplier named by '" + reference + "' failed: " + e, e);
            }
            if (resolved == null) {
                throw new LoadException("the Supplier named by '" + reference + "' returned null", null);
            }
        }
        if (resolved instanceof Application application) {
            return application;
        }
        throw new LoadException("'" + reference + "' is a " + resolved.getClass().getName()
                + ", not an io.channels4j.Application or a Supplier of one", null);
    }

    private static LoadException notAccessible(Class<?> type, IllegalAccessException e) {
        return new LoadException(type.getName() + " is not accessible: " + e.getMessage()
                + " (the class must be public, and in a named module its package exported)", e);
    }

    private static LoadException initFailed(Class<?> type, Throwable cause) {
        return new LoadException("initializing " + type.getName() + " failed: " + cause, cause);
    }
}
