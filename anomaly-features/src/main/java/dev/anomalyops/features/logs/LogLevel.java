package dev.anomalyops.features.logs;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The severity of a log record, normalised across logging libraries, syslog and Android. */
public enum LogLevel {
    /** Finest detail: {@code TRACE}, {@code FINEST}, {@code FINER}, {@code VERBOSE}, {@code V}. */
    TRACE,
    /** {@code DEBUG}, {@code FINE}, {@code DBG}, {@code D}, syslog 7. */
    DEBUG,
    /** {@code INFO}, {@code NOTICE}, {@code INFORMATION}, {@code CONFIG}, {@code I}, syslog 5 and 6. */
    INFO,
    /** {@code WARN}, {@code WARNING}, {@code W}, syslog 4. */
    WARN,
    /** {@code ERROR}, {@code ERR}, {@code SEVERE}, {@code FAILURE}, {@code E}, syslog 3. */
    ERROR,
    /** {@code FATAL}, {@code CRITICAL}, {@code CRIT}, {@code ALERT}, {@code EMERG}, {@code PANIC}, {@code F}, syslog 0 to 2. */
    FATAL,
    /** No level, or one this enum does not know. */
    UNKNOWN;

    /**
     * @param text a level as written in a log (case and surrounding spaces ignored); may be null
     * @return the level, {@link #UNKNOWN} when the text is null, blank or not a known name
     */
    public static LogLevel parse(@Nullable CharSequence text) {
        if (text == null) {
            return UNKNOWN;
        }
        String name = text.toString().strip().toUpperCase(Locale.ROOT);
        switch (name) {
            case "TRACE": case "FINEST": case "FINER": case "VERBOSE": case "V": case "T":
                return TRACE;
            case "DEBUG": case "FINE": case "DBG": case "D":
                return DEBUG;
            case "INFO": case "INFORMATION": case "INFORMATIONAL": case "NOTICE": case "CONFIG": case "I":
                return INFO;
            case "WARN": case "WARNING": case "W":
                return WARN;
            case "ERROR": case "ERR": case "SEVERE": case "FAILURE": case "E":
                return ERROR;
            case "FATAL": case "CRITICAL": case "CRIT": case "ALERT": case "EMERG": case "EMERGENCY": case "PANIC":
            case "F":
                return FATAL;
            default:
                return UNKNOWN;
        }
    }

    /**
     * @param priority a syslog PRI value (facility * 8 + severity), 0 to 191
     * @return the level of its severity
     * @throws IllegalArgumentException when the value is outside 0 to 191
     */
    public static LogLevel ofSyslogPriority(int priority) {
        if (priority < 0 || priority > 191) {
            throw new IllegalArgumentException("Syslog priority must be between 0 and 191 but was " + priority);
        }
        switch (priority & 7) {
            case 0: case 1: case 2:
                return FATAL;
            case 3:
                return ERROR;
            case 4:
                return WARN;
            case 5: case 6:
                return INFO;
            default:
                return DEBUG;
        }
    }

    /**
     * @param status an HTTP status code
     * @return {@link #ERROR} for 5xx, {@link #WARN} for 4xx, {@link #INFO} otherwise
     */
    public static LogLevel ofHttpStatus(int status) {
        if (status >= 500) {
            return ERROR;
        }
        return status >= 400 ? WARN : INFO;
    }
}
