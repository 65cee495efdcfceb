package io.channels4j;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Finds the application named on the command line, as Daphne imports {@code mysite.asgi:application}:
 *
 * <ul>
 *   <li>{@code com.example.Asgi:member}: a public static field, or a public static no-arg method,
 *       of that class;</li>
 *   <li>{@code com.example.Asgi}: the class itself when it implements {@link Application} or
 *       {@code Supplier<Application>} and has a public no-arg constructor, otherwise its static
 *       member named {@code application}.</li>
 * </ul>
 *
 * <p>The value found may be an {@link Application} or a {@code Supplier<Application>} (called
 * once). A nested class may be written {@code Outer$Inner} or {@code Outer.Inner}. Used by the
 * server's command line and by {@code runworker}; called once, on the thread that starts them.
 */
public final class ApplicationLoader {

    /** The member looked up when the name has no {@code :member}. */
    public static final String DEFAULT_MEMBER = "application";

    private ApplicationLoader() {
    }

    /** Thrown when the named application cannot be found, has the wrong type or fails to build. */
    public static final class LoadException extends Exception {
        private static final long serialVersionUID = 1L;

        LoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Loads and, if need be, builds the application.
     *
     * @param spec   {@code com.example.Asgi:application} or {@code com.example.Asgi}
     * @param loader the class loader to look in
     * @return the application
     * @throws LoadException with a message naming what was tried
     */
    public static Application load(String spec, ClassLoader loader) throws LoadException {
        int colon = spec.indexOf(':');
        String className = colon < 0 ? spec : spec.substring(0, colon);
        String member = colon < 0 ? null : spec.substring(colon + 1);
        if (className.isBlank() || (member != null && (member.isBlank() || member.indexOf(':') >= 0))) {
            throw fail("'" + spec + "' is not an application name: expected com.example.Asgi:application"
                    + " or com.example.Asgi", null);
        }
        Class<?> type = findClass(className.strip(), loader);
        if (member != null) {
            return fromMember(type, member.strip());
        }
        if (Application.class.isAssignableFrom(type) || Supplier.class.isAssignableFrom(type)) {
            return asApplication(instantiate(type), type.getName());
        }
        if (findMember(type, DEFAULT_MEMBER) == null) {
            throw fail(type.getName() + " does not implement Application or Supplier<Application> and has no"
                    + " public static field or no-arg method named '" + DEFAULT_MEMBER + "'", null);
        }
        return fromMember(type, DEFAULT_MEMBER);
    }

    private static Class<?> findClass(String name, ClassLoader loader) throws LoadException {
        List<String> tried = new ArrayList<>();
        String candidate = name;
        while (true) {
            tried.add(candidate);
            try {
                return Class.forName(candidate, true, loader);
            } catch (ClassNotFoundException e) {
                // com.example.Outer.Inner is the class com.example.Outer$Inner (outer names are capitalised)
                int dot = candidate.lastIndexOf('.');
                String outer = dot < 0 ? "" : candidate.substring(candidate.lastIndexOf('.', dot - 1) + 1, dot);
                if (outer.isEmpty() || !Character.isUpperCase(outer.charAt(0))) {
                    break;
                }
                candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1);
            } catch (ExceptionInInitializerError e) {
                throw fail("the static initialisation of " + candidate + " failed: " + describe(e.getCause()),
                        e.getCause());
            } catch (LinkageError e) {
                throw fail("cannot load class " + candidate + ": " + describe(e), e);
            }
        }
        throw fail("class " + name + " not found on the class path (tried " + String.join(", ", tried)
                + "); name a compiled Java class, e.g. com.example.Asgi:application", null);
    }

    private static Application fromMember(Class<?> type, String member) throws LoadException {
        String where = type.getName() + "." + member;
        Object found = findMember(type, member);
        if (found == null) {
            throw fail(type.getName() + " has no public static field or no-arg method named '" + member + "'"
                    + otherMembersNamed(type, member), null);
        }
        try {
            if (found instanceof Field field) {
                return asApplication(field.get(null), where);
            }
            where += "()";
            return asApplication(((Method) found).invoke(null), where);
        } catch (InvocationTargetException e) {
            throw fail(where + " threw " + describe(e.getCause()), e.getCause());
        } catch (IllegalAccessException e) {
            throw fail("cannot access " + where + " (" + e.getMessage() + "): the class and the member must be"
                    + " public, and in a named module the package must be exported", e);
        }
    }

    /** A public static field, else a public static no-arg method, or null. */
    private static Object findMember(Class<?> type, String name) {
        try {
            Field field = type.getField(name);
            if (Modifier.isStatic(field.getModifiers())) {
                return field;
            }
        } catch (NoSuchFieldException e) {
            // try a method
        }
        try {
            Method method = type.getMethod(name);
            if (Modifier.isStatic(method.getModifiers())) {
                return method;
            }
        } catch (NoSuchMethodException e) {
            // none
        }
        return null;
    }

    /** Why a member of that name does not count, if there is one. */
    private static String otherMembersNamed(Class<?> type, String name) {
        for (Field field : type.getDeclaredFields()) {
            if (field.getName().equals(name)) {
                return " (a field '" + name + "' exists but is not public static)";
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (method.getName().equals(name)) {
                return " (a method '" + name + "' exists but is not public static with no parameters)";
            }
        }
        return "";
    }

    private static Object instantiate(Class<?> type) throws LoadException {
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw fail(type.getName() + " is abstract: name a concrete class or a static member", null);
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw fail(type.getName() + " needs a public no-arg constructor to be used as the application", null);
        }
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw fail("the constructor of " + type.getName() + " threw " + describe(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw fail("cannot construct " + type.getName() + ": " + describe(e)
                    + " (the class must be public, and in a named module its package exported)", e);
        }
    }

    private static Application asApplication(Object value, String where) throws LoadException {
        if (value instanceof Application application) {
            return application;
        }
        if (value instanceof Supplier<?> supplier) {
            Object supplied;
            try {
                supplied = supplier.get();
            } catch (RuntimeException | Error e) {
                throw fail("the Supplier from " + where + " threw " + describe(e), e);
            }
            if (supplied instanceof Application application) {
                return application;
            }
            throw fail("the Supplier from " + where + " returned " + typeOf(supplied)
                    + ", not an io.channels4j.Application", null);
        }
        throw fail(where + " is " + typeOf(value) + ", not an io.channels4j.Application or a"
                + " Supplier<Application>", null);
    }

    private static String typeOf(Object value) {
        return value == null ? "null" : "a " + value.getClass().getName();
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getName() : t.getClass().getName() + ": " + t.getMessage();
    }

    private static LoadException fail(String message, Throwable cause) {
        return new LoadException(message, cause);
    }
}
