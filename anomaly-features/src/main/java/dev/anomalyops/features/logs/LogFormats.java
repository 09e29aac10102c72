package dev.anomalyops.features.logs;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Ready-made {@link LogFormat}s for common logs. Each names its fields; the timestamp, level, source and message
 * are wired. Zones are explicit: pass the zone the log's wall-clock times are in (an offset written in a line
 * wins). Formats without a year read it from the clock with syslog's rollover rule (see {@link TimestampFormat}).
 */
public final class LogFormats {
    private LogFormats() {}

    /**
     * BSD syslog (RFC 3164) and the classic {@code /var/log/messages} layout:
     * {@code [<PRI>]Mmm dd hh:mm:ss host tag[pid]: message}. Fields {@code pri}, {@code timestamp}, {@code host}
     * (the source), {@code tag}, {@code pid}, {@code message}; the level comes from the PRI severity when
     * present.
     *
     * @param zone the zone of the timestamps
     * @param clock the clock giving the year
     * @return the format
     */
    public static LogFormat syslogRfc3164(ZoneId zone, Clock clock) {
        return LogFormat.regexBuilder("(?:<(?<pri>\\d{1,3})>)?(?<timestamp>[A-Za-z]{3}\\s+\\d{1,2}\\s+\\d{1,2}:\\d{2}:\\d{2})"
                        + "\\s+(?<host>\\S+)\\s+(?:(?<tag>[^\\s:\\[]+)(?:\\[(?<pid>[^\\]]*)\\])?:\\s?)?(?<message>.*)")
                .timestamp(TimestampFormat.pattern("MMM d HH:mm:ss", zone).withClock(clock), "timestamp")
                .levelFromSyslogPriority("pri")
                .source("host")
                .build();
    }

    /**
     * @param zone the zone of the timestamps
     * @return {@link #syslogRfc3164(ZoneId, Clock)} with the system clock
     */
    public static LogFormat syslogRfc3164(ZoneId zone) {
        return syslogRfc3164(zone, Clock.systemUTC());
    }

    /**
     * IETF syslog (RFC 5424): {@code <PRI>VERSION TIMESTAMP HOST APP PROCID MSGID STRUCTURED-DATA [MSG]}. Fields
     * {@code pri}, {@code version}, {@code timestamp} (ISO 8601 with offset), {@code host} (the source),
     * {@code app}, {@code procid}, {@code msgid}, {@code sd}, {@code message}. A nil timestamp ({@code -}) is
     * rejected.
     *
     * @return the format
     */
    public static LogFormat syslogRfc5424() {
        return LogFormat.regexBuilder("<(?<pri>\\d{1,3})>(?<version>\\d{1,2})\\s(?<timestamp>\\S+)\\s(?<host>\\S+)"
                        + "\\s(?<app>\\S+)\\s(?<procid>\\S+)\\s(?<msgid>\\S+)\\s(?<sd>-|(?:\\[(?:[^\\]\\\\]|\\\\.)*\\])+)"
                        + "(?:\\s(?<message>.*))?")
                .timestamp(TimestampFormat.iso8601(ZoneOffset.UTC), "timestamp")
                .levelFromSyslogPriority("pri")
                .source("host")
                .build();
    }

    /**
     * Apache httpd and nginx access logs in the Common or Combined Log Format:
     * {@code client ident user [dd/MMM/yyyy:HH:mm:ss Z] "request" status bytes ["referer" "agent"]}. Fields
     * {@code client}, {@code ident}, {@code user}, {@code time}, {@code request} (the message), {@code status},
     * {@code bytes}, {@code referer}, {@code agent}. The level follows the status (5xx ERROR, 4xx WARN).
     *
     * @return the format
     */
    public static LogFormat apacheAccess() {
        return LogFormat.regexBuilder("(?<client>\\S+)\\s(?<ident>\\S+)\\s(?<user>\\S+)\\s\\[(?<time>[^\\]]+)\\]\\s"
                        + "\"(?<request>(?:[^\"\\\\]|\\\\.)*)\"\\s(?<status>\\d{3})\\s(?<bytes>\\S+)"
                        + "(?:\\s\"(?<referer>(?:[^\"\\\\]|\\\\.)*)\"\\s\"(?<agent>(?:[^\"\\\\]|\\\\.)*)\")?.*")
                .timestamp(TimestampFormat.pattern("dd/MMM/yyyy:HH:mm:ss Z", ZoneOffset.UTC), "time")
                .levelFromHttpStatus("status")
                .message("request")
                .build();
    }

    /** @return nginx's default {@code combined} access log, the same layout as {@link #apacheAccess()} */
    public static LogFormat nginxAccess() {
        return apacheAccess();
    }

    /**
     * Apache httpd 2.2 error log (Loghub's Apache): {@code [Sun Dec 04 04:47:44 2005] [notice] message}.
     *
     * @param zone the zone of the timestamps
     * @return the format
     */
    public static LogFormat apacheError(ZoneId zone) {
        return LogFormat.builder("\\[<Time>\\] \\[<Level>\\] <Content>")
                .timestamp(TimestampFormat.pattern("EEE MMM dd HH:mm:ss yyyy", zone), "Time")
                .build();
    }

    /**
     * log4j's classic {@code %d [%t] %-5p %c - %m%n} (ISO 8601 date): fields {@code Date}, {@code Time},
     * {@code Thread}, {@code Level}, {@code Logger}, {@code Content}.
     *
     * @param zone the zone of the timestamps
     * @return the format
     */
    public static LogFormat log4j(ZoneId zone) {
        return LogFormat.builder("<Date> <Time> \\[<Thread>\\] <Level> <Logger> - <Content>")
                .timestamp(TimestampFormat.pattern("yyyy-MM-dd HH:mm:ss,SSS", zone), "Date", "Time")
                .build();
    }

    /**
     * The default console pattern of log4j 2 ({@code %d{HH:mm:ss.SSS} [%t] %-5level %logger{36} - %msg%n}) and of
     * logback ({@code ... %logger{36} -%kvp- %msg%n}): a time of day only, so the date of the log is given.
     * Fields {@code Time}, {@code Thread}, {@code Level}, {@code Logger}, {@code Content}.
     *
     * @param zone the zone of the timestamps
     * @param date the date of the log
     * @return the format
     */
    public static LogFormat log4j2Default(ZoneId zone, LocalDate date) {
        return LogFormat.builder("<Time> \\[<Thread>\\] <Level> <Logger> -(\\S*-)? <Content>")
                .timestamp(TimestampFormat.pattern("HH:mm:ss.SSS", zone).withDate(date), "Time")
                .build();
    }

    /**
     * @param zone the zone of the timestamps
     * @param date the date of the log
     * @return logback's default pattern, the same as {@link #log4j2Default(ZoneId, LocalDate)}
     */
    public static LogFormat logbackDefault(ZoneId zone, LocalDate date) {
        return log4j2Default(zone, date);
    }

    /**
     * Hadoop HDFS (Loghub): {@code <Date> <Time> <Pid> <Level> <Component>: <Content>}, e.g.
     * {@code 081109 203615 148 INFO dfs.DataNode$PacketResponder: ...}.
     *
     * @param zone the zone of the timestamps
     * @return the format
     */
    public static LogFormat hdfs(ZoneId zone) {
        return LogFormat.builder("<Date> <Time> <Pid> <Level> <Component>: <Content>")
                .timestamp(TimestampFormat.pattern("yyMMdd HHmmss", zone), "Date", "Time")
                .build();
    }

    /**
     * Blue Gene/L RAS log (Loghub): {@code <Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type>
     * <Component> <Level> <Content>}. The timestamp is the epoch-seconds field, so no zone is involved; the
     * source is the node; {@code Label} is {@code -} for normal lines and the alert category otherwise.
     *
     * @return the format
     */
    public static LogFormat bgl() {
        return LogFormat.builder("<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>")
                .timestamp(TimestampFormat.epochSeconds(), "Timestamp")
                .source("Node")
                .build();
    }

    /**
     * OpenSSH (Loghub): {@code <Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>}, e.g.
     * {@code Dec 10 06:55:46 LabSZ sshd[24200]: ...}; the host ({@code Component}) is the source.
     *
     * @param zone the zone of the timestamps
     * @param clock the clock giving the year
     * @return the format
     */
    public static LogFormat openSsh(ZoneId zone, Clock clock) {
        return LogFormat.builder("<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>")
                .timestamp(TimestampFormat.pattern("MMM d HH:mm:ss", zone).withClock(clock), "Date", "Day", "Time")
                .source("Component")
                .build();
    }

    /**
     * Apache Spark (Loghub): {@code <Date> <Time> <Level> <Component>: <Content>}, e.g.
     * {@code 17/06/09 20:10:40 INFO spark.SecurityManager: ...}.
     *
     * @param zone the zone of the timestamps
     * @return the format
     */
    public static LogFormat spark(ZoneId zone) {
        return LogFormat.builder("<Date> <Time> <Level> <Component>: <Content>")
                .timestamp(TimestampFormat.pattern("yy/MM/dd HH:mm:ss", zone), "Date", "Time")
                .build();
    }

    /**
     * Apache ZooKeeper (Loghub): {@code <Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>}.
     *
     * @param zone the zone of the timestamps
     * @return the format
     */
    public static LogFormat zookeeper(ZoneId zone) {
        return LogFormat.builder("<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>")
                .timestamp(TimestampFormat.pattern("yyyy-MM-dd HH:mm:ss,SSS", zone), "Date", "Time")
                .build();
    }

    /**
     * Hadoop MapReduce (Loghub): {@code <Date> <Time> <Level> \[<Process>\] <Component>: <Content>}.
     *
     * @param zone the zone of the timestamps
     * @return the format
     */
    public static LogFormat hadoop(ZoneId zone) {
        return LogFormat.builder("<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>")
                .timestamp(TimestampFormat.pattern("yyyy-MM-dd HH:mm:ss,SSS", zone), "Date", "Time")
                .build();
    }
}
