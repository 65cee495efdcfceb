package io.channels4j;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A scope's attributes: an immutable map in insertion order, held in two arrays. A scope has a
 * handful of attributes, and every layer of middleware makes a copy of the scope that lives as long
 * as the connection (the middleware's frame holds it), so the map is sized for that: about a third
 * of a {@code LinkedHashMap} wrapped unmodifiable, and a copy that does not change the attributes
 * shares them. Lookups are a linear scan, faster than hashing at these sizes.
 *
 * <p>Thread-safe: immutable (values are as immutable as what middleware puts there).
 */
final class ScopeAttributes extends AbstractMap<String, Object> {

    static final ScopeAttributes EMPTY = new ScopeAttributes(new String[0], new Object[0]);

    private final String[] keys;
    private final Object[] values;

    private ScopeAttributes(String[] keys, Object[] values) {
        this.keys = keys;
        this.values = values;
    }

    /**
     * @param name  the attribute's name
     * @param value its new value; null removes it
     * @return a copy with that one change (a new value keeps the attribute's place; a new name
     *         goes last), or this map when there is nothing to change
     */
    ScopeAttributes with(String name, Object value) {
        int i = indexOf(name);
        if (value == null) {
            if (i < 0) {
                return this;
            }
            if (keys.length == 1) {
                return EMPTY;
            }
            String[] k = new String[keys.length - 1];
            Object[] v = new Object[k.length];
            System.arraycopy(keys, 0, k, 0, i);
            System.arraycopy(values, 0, v, 0, i);
            System.arraycopy(keys, i + 1, k, i, k.length - i);
            System.arraycopy(values, i + 1, v, i, k.length - i);
            return new ScopeAttributes(k, v);
        }
        if (i >= 0) {
            if (values[i] == value) {
                return this;
            }
            Object[] v = values.clone();
            v[i] = value;
            return new ScopeAttributes(keys, v); // same names: the key array is shared
        }
        String[] k = Arrays.copyOf(keys, keys.length + 1);
        Object[] v = Arrays.copyOf(values, values.length + 1);
        k[keys.length] = name;
        v[values.length] = value;
        return new ScopeAttributes(k, v);
    }

    private int indexOf(Object key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public boolean isEmpty() {
        return keys.length == 0;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.length;
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        if (next >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new AbstractMap.SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return keys.length;
            }
        };
    }
}
