package dev.anomalyops.spark.internal;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Local wall-clock milliseconds of epoch milliseconds in a zone, computed as the Java executions compute them
 * ({@code epochMillis + offset at that instant}). Fixed-offset zones stay a plain expression; zones with daylight
 * saving use a small UDF over {@link ZoneRules}.
 */
public final class LocalCalendar {
    private LocalCalendar() {}

    /**
     * @param epochMillis a long column of epoch milliseconds
     * @param zone the zone
     * @return a long column of local milliseconds
     */
    public static Column localMillis(Column epochMillis, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        if (rules.isFixedOffset()) {
            long offset = rules.getOffset(Instant.EPOCH).getTotalSeconds() * 1000L;
            return epochMillis.plus(lit(offset));
        }
        String zoneId = zone.getId();
        UDF1<Long, Long> local = ms -> ms == null ? null
                : ms + ZoneId.of(zoneId).getRules().getOffset(Instant.ofEpochMilli(ms)).getTotalSeconds() * 1000L;
        UserDefinedFunction f = udf(local, DataTypes.LongType);
        return f.apply(epochMillis);
    }
}
