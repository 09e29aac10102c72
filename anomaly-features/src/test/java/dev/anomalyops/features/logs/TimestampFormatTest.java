package dev.anomalyops.features.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimestampFormatTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void wallClockTimesAreReadInTheGivenZoneWithDaylightSaving() {
        TimestampFormat format = TimestampFormat.pattern("yyMMdd HHmmss", BERLIN);
        assertThat(format.parse("081109 203615")).isEqualTo(Instant.parse("2008-11-09T19:36:15Z"));
        assertThat(format.parse("080709 203615")).isEqualTo(Instant.parse("2008-07-09T18:36:15Z"));
    }

    @Test
    void anOffsetWrittenInTheTextWinsOverTheZone() {
        TimestampFormat format = TimestampFormat.pattern("dd/MMM/yyyy:HH:mm:ss Z", BERLIN);
        assertThat(format.parse("10/Oct/2000:13:55:36 -0700")).isEqualTo(Instant.parse("2000-10-10T20:55:36Z"));
    }

    @Test
    void monthNamesAreEnglishAndCaseInsensitiveAndRunsOfSpacesAreOneSpace() {
        TimestampFormat format = TimestampFormat.pattern("EEE MMM dd HH:mm:ss yyyy", ZoneOffset.UTC);
        assertThat(format.parse("Sun  DEC 04 04:47:44   2005")).isEqualTo(Instant.parse("2005-12-04T04:47:44Z"));
        assertThat(TimestampFormat.pattern("yyyy-MM-dd HH:mm:ss,SSS", ZoneOffset.UTC).parse("2015-07-29 17:41:44,747"))
                .isEqualTo(Instant.parse("2015-07-29T17:41:44.747Z"));
        assertThat(TimestampFormat.pattern("yyyy-MM-dd-HH.mm.ss.SSSSSS", ZoneOffset.UTC).parse("2005-06-03-15.42.50.675872"))
                .isEqualTo(Instant.parse("2005-06-03T15:42:50.675872Z"));
    }

    @Test
    void aMissingYearComesFromTheClockWithSyslogsRollover() {
        Clock newYear = Clock.fixed(Instant.parse("2024-01-01T00:30:00Z"), ZoneOffset.UTC);
        TimestampFormat format = TimestampFormat.pattern("MMM d HH:mm:ss", ZoneOffset.UTC).withClock(newYear);
        assertThat(format.parse("Dec 31 23:59:59")).as("more than a day ahead: last year")
                .isEqualTo(Instant.parse("2023-12-31T23:59:59Z"));
        assertThat(format.parse("Jan 1 00:10:00")).isEqualTo(Instant.parse("2024-01-01T00:10:00Z"));
        assertThat(format.withYear(2005).parse("Jun 14 15:16:01")).isEqualTo(Instant.parse("2005-06-14T15:16:01Z"));
        assertThat(TimestampFormat.pattern("MMM d HH:mm:ss", ZoneOffset.UTC)
                .withClock(Clock.fixed(Instant.parse("2023-06-01T00:00:00Z"), ZoneOffset.UTC)).parse("Feb 29 10:00:00"))
                .as("29 February goes to the last leap year").isEqualTo(Instant.parse("2020-02-29T10:00:00Z"));
    }

    @Test
    void aTimeOfDayNeedsTheDateOfTheLog() {
        TimestampFormat timeOnly = TimestampFormat.pattern("HH:mm:ss.SSS", ZoneOffset.UTC);
        assertThat(timeOnly.problems()).singleElement().asString().contains("has no date");
        assertThat(timeOnly.withDate(LocalDate.of(2024, 5, 6)).parse("12:00:01.500"))
                .isEqualTo(Instant.parse("2024-05-06T12:00:01.500Z"));
        assertThatThrownBy(() -> timeOnly.parse("12:00:01.500")).isInstanceOf(LogLineException.class);
    }

    @Test
    void epochAndIsoAndAutoFormats() {
        assertThat(TimestampFormat.epochMillis().parse("1700000000123")).isEqualTo(Instant.ofEpochMilli(1700000000123L));
        assertThat(TimestampFormat.epochSeconds().parse("1117838570")).isEqualTo(Instant.ofEpochSecond(1117838570));
        assertThat(TimestampFormat.epochSeconds().parse("1117838570.25")).isEqualTo(Instant.ofEpochSecond(1117838570, 250_000_000));
        TimestampFormat iso = TimestampFormat.iso8601(BERLIN);
        assertThat(iso.parse("2024-03-01T10:00:00Z")).isEqualTo(Instant.parse("2024-03-01T10:00:00Z"));
        assertThat(iso.parse("2024-03-01 10:00:00.5+01:00")).isEqualTo(Instant.parse("2024-03-01T09:00:00.500Z"));
        assertThat(iso.parse("2024-03-01T10:00:00")).isEqualTo(Instant.parse("2024-03-01T09:00:00Z"));
        TimestampFormat auto = TimestampFormat.auto(ZoneOffset.UTC);
        assertThat(auto.parse("1700000000123")).isEqualTo(Instant.ofEpochMilli(1700000000123L));
        assertThat(auto.parse("1700000000")).isEqualTo(Instant.ofEpochSecond(1700000000));
        assertThat(auto.parse("2024-03-01T10:00:00Z")).isEqualTo(Instant.parse("2024-03-01T10:00:00Z"));
    }

    @Test
    void textThatIsNotATimestampFailsWithOneSentence() {
        assertThatThrownBy(() -> TimestampFormat.pattern("yyMMdd HHmmss", ZoneOffset.UTC).parse("081309 203615"))
                .isInstanceOf(LogLineException.class).hasMessageContaining("\"081309 203615\"");
        assertThatThrownBy(() -> TimestampFormat.pattern("yyMMdd HHmmss", ZoneOffset.UTC).parse("yesterday"))
                .isInstanceOf(LogLineException.class).hasMessageContaining("does not match pattern \"yyMMdd HHmmss\"");
        assertThatThrownBy(() -> TimestampFormat.epochMillis().parse("12ab")).isInstanceOf(LogLineException.class)
                .hasMessageContaining("not a number of epoch milliseconds");
        assertThatThrownBy(() -> TimestampFormat.epochSeconds().parse("99999999999999999999999"))
                .isInstanceOf(LogLineException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> TimestampFormat.iso8601(ZoneOffset.UTC).parse(" ")).isInstanceOf(LogLineException.class)
                .hasMessageContaining("empty");
    }
}
