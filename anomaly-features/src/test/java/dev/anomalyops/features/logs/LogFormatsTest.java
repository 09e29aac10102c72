package dev.anomalyops.features.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Each preset on a line as its log writes it (Loghub lines are taken from the development samples). */
class LogFormatsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-08-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void syslogRfc3164WithAndWithoutPriority() {
        LogFormat format = LogFormats.syslogRfc3164(ZoneOffset.UTC, CLOCK);
        LogRecord record = format.parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", 1).record();
        assertThat(record.timestamp()).isEqualTo(Instant.parse("2023-10-11T22:14:15Z"));
        assertThat(record.level()).isEqualTo(LogLevel.FATAL);
        assertThat(record.source()).isEqualTo("mymachine");
        assertThat(record.fields()).containsEntry("tag", "su");
        assertThat(record.message()).isEqualTo("'su root' failed for lonvick on /dev/pts/8");
        LogRecord plain = format.parse("Jun  4 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; uid=0", 2).record();
        assertThat(plain.timestamp()).isEqualTo(Instant.parse("2024-06-04T15:16:01Z"));
        assertThat(plain.level()).isEqualTo(LogLevel.UNKNOWN);
        assertThat(plain.fields()).containsEntry("tag", "sshd(pam_unix)").containsEntry("pid", "19939");
        assertThat(plain.message()).isEqualTo("authentication failure; uid=0");
    }

    @Test
    void syslogRfc5424WithStructuredData() {
        LogRecord record = LogFormats.syslogRfc5424().parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - "
                + "ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\"] An application event log entry", 1).record();
        assertThat(record.timestamp()).isEqualTo(Instant.parse("2003-10-11T22:14:15.003Z"));
        assertThat(record.level()).isEqualTo(LogLevel.INFO);
        assertThat(record.source()).isEqualTo("mymachine.example.com");
        assertThat(record.fields()).containsEntry("app", "evntslog").containsEntry("msgid", "ID47")
                .containsEntry("sd", "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"]");
        assertThat(record.message()).isEqualTo("An application event log entry");
        LogRecord noMessage = LogFormats.syslogRfc5424().parse("<11>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - -", 2)
                .record();
        assertThat(noMessage.timestamp()).isEqualTo(Instant.parse("2003-08-24T12:14:15.000003Z"));
        assertThat(noMessage.level()).isEqualTo(LogLevel.ERROR);
        assertThat(noMessage.message()).isEmpty();
    }

    @Test
    void apacheAndNginxAccessLogs() {
        LogRecord combined = LogFormats.nginxAccess().parse("127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "
                + "\"GET /apache_pb.gif HTTP/1.0\" 503 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08\"", 1).record();
        assertThat(combined.timestamp()).isEqualTo(Instant.parse("2000-10-10T20:55:36Z"));
        assertThat(combined.level()).isEqualTo(LogLevel.ERROR);
        assertThat(combined.message()).isEqualTo("GET /apache_pb.gif HTTP/1.0");
        assertThat(combined.fields()).containsEntry("client", "127.0.0.1").containsEntry("user", "frank")
                .containsEntry("status", "503").containsEntry("agent", "Mozilla/4.08");
        LogRecord common = LogFormats.apacheAccess().parse("10.0.0.2 - - [01/Jan/2024:00:00:00 +0000] \"POST /login HTTP/1.1\" 404 -", 2)
                .record();
        assertThat(common.level()).isEqualTo(LogLevel.WARN);
        assertThat(common.fields()).containsEntry("bytes", "-");
    }

    @Test
    void apacheErrorLog() {
        LogRecord record = LogFormats.apacheError(ZoneOffset.UTC)
                .parse("[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6", 1).record();
        assertThat(record.timestamp()).isEqualTo(Instant.parse("2005-12-04T04:47:44Z"));
        assertThat(record.level()).isEqualTo(LogLevel.ERROR);
        assertThat(record.message()).isEqualTo("mod_jk child workerEnv in error state 6");
    }

    @Test
    void log4jAndLogbackDefaults() {
        LogRecord log4j = LogFormats.log4j(ZoneOffset.UTC)
                .parse("2024-05-06 12:00:01,250 [main] WARN  com.example.Service - cache miss for key 42", 1).record();
        assertThat(log4j.timestamp()).isEqualTo(Instant.parse("2024-05-06T12:00:01.250Z"));
        assertThat(log4j.level()).isEqualTo(LogLevel.WARN);
        assertThat(log4j.fields()).containsEntry("Thread", "main").containsEntry("Logger", "com.example.Service");
        assertThat(log4j.message()).isEqualTo("cache miss for key 42");
        LocalDate day = LocalDate.of(2024, 5, 6);
        LogRecord log4j2 = LogFormats.log4j2Default(ZoneOffset.UTC, day)
                .parse("12:00:01.250 [worker-1] ERROR com.example.App - request failed", 1).record();
        assertThat(log4j2.timestamp()).isEqualTo(Instant.parse("2024-05-06T12:00:01.250Z"));
        assertThat(log4j2.level()).isEqualTo(LogLevel.ERROR);
        assertThat(log4j2.message()).isEqualTo("request failed");
        LogRecord logback = LogFormats.logbackDefault(ZoneOffset.UTC, day)
                .parse("12:00:02.000 [main] INFO  c.e.App -- started in 1.2 s", 2).record();
        assertThat(logback.level()).isEqualTo(LogLevel.INFO);
        assertThat(logback.message()).isEqualTo("started in 1.2 s");
    }

    @Test
    void loghubSystems() {
        LogRecord hdfs = LogFormats.hdfs(ZoneOffset.UTC).parse("081109 203615 148 INFO dfs.DataNode$PacketResponder: "
                + "PacketResponder 1 for block blk_38865049064139660 terminating", 1).record();
        assertThat(hdfs.timestamp()).isEqualTo(Instant.parse("2008-11-09T20:36:15Z"));
        assertThat(hdfs.level()).isEqualTo(LogLevel.INFO);
        assertThat(hdfs.message()).isEqualTo("PacketResponder 1 for block blk_38865049064139660 terminating");

        LogRecord bgl = LogFormats.bgl().parse("- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 "
                + "R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected", 1).record();
        assertThat(bgl.timestamp()).isEqualTo(Instant.ofEpochSecond(1117838570));
        assertThat(bgl.source()).isEqualTo("R02-M1-N0-C:J12-U11");
        assertThat(bgl.message()).isEqualTo("instruction cache parity error corrected");

        LogRecord ssh = LogFormats.openSsh(ZoneOffset.UTC, CLOCK)
                .parse("Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186", 1).record();
        assertThat(ssh.timestamp()).isEqualTo(Instant.parse("2023-12-10T06:55:46Z"));
        assertThat(ssh.source()).isEqualTo("LabSZ");
        assertThat(ssh.fields()).containsEntry("Pid", "24200");

        LogRecord spark = LogFormats.spark(ZoneOffset.UTC)
                .parse("17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn,curi", 1).record();
        assertThat(spark.timestamp()).isEqualTo(Instant.parse("2017-06-09T20:10:40Z"));

        LogRecord zookeeper = LogFormats.zookeeper(ZoneOffset.UTC).parse("2015-07-29 19:04:29,071 - WARN  "
                + "[SendWorker:188978561024:QuorumCnxManager$SendWorker@688] - Send worker leaving thread", 1).record();
        assertThat(zookeeper.timestamp()).isEqualTo(Instant.parse("2015-07-29T19:04:29.071Z"));
        assertThat(zookeeper.level()).isEqualTo(LogLevel.WARN);
        assertThat(zookeeper.message()).isEqualTo("Send worker leaving thread");

        LogRecord hadoop = LogFormats.hadoop(ZoneOffset.UTC).parse("2015-10-18 18:01:47,978 INFO [main] "
                + "org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1", 1).record();
        assertThat(hadoop.fields()).containsEntry("Process", "main");
        assertThat(hadoop.message()).isEqualTo("Created MRAppMaster for application appattempt_1");
    }
}
