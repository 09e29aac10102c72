package dev.anomalyops.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrafficRouterTest {
    @Test
    void splitsOneHundredThousandUsersSeventyThirtyWithinOnePoint() {
        TrafficRouter router = TrafficRouter.of(TrafficSplit.of("champion", 70, "challenger", "exp-1"));
        SplittableRandom random = new SplittableRandom(42);
        int champion = 0;
        int total = 100_000;
        for (int i = 0; i < total; i++) {
            String user = "user-" + random.nextLong();
            if (router.route(user).variant().equals("champion")) {
                champion++;
            }
        }
        double share = (double) champion / total;
        System.out.printf("70/30 split over %d random users: champion share %.4f%n", total, share);
        assertThat(share).isBetween(0.69, 0.71);
    }

    @Test
    void everyUserKeepsTheirVariantAcrossRepetitionsAndRouters() {
        TrafficSplit split = TrafficSplit.of("champion", 70, "challenger", "exp-1");
        Map<String, String> first = new HashMap<>();
        for (int repetition = 0; repetition < 10; repetition++) {
            // A new router each time stands for another server or a restart.
            TrafficRouter router = TrafficRouter.of(split);
            for (int u = 0; u < 10_000; u++) {
                String user = "u" + u;
                String variant = router.route(user).variant();
                String before = first.putIfAbsent(user, variant);
                assertThat(before == null || before.equals(variant)).as(user).isTrue();
            }
        }
    }

    @Test
    void movingFromTenToThirtyPercentMovesOnlyTheUsersThatMust() {
        TrafficRouter router = TrafficRouter.of(TrafficSplit.of("canary", 10, "baseline", "rollout-7"));
        int users = 100_000;
        String[] before = new String[users];
        for (int u = 0; u < users; u++) {
            before[u] = router.route("user-" + u).variant();
        }
        router.update(TrafficSplit.of("canary", 30, "baseline", "rollout-7"));
        int moved = 0;
        int movedBackwards = 0;
        for (int u = 0; u < users; u++) {
            String after = router.route("user-" + u).variant();
            if (!after.equals(before[u])) {
                moved++;
                if (after.equals("baseline")) {
                    movedBackwards++;
                }
            }
        }
        double share = (double) moved / users;
        System.out.printf("10%% -> 30%%: %.4f of users changed variant (ideal 0.20)%n", share);
        assertThat(movedBackwards).as("nobody leaves the canary when it grows").isZero();
        assertThat(share).isBetween(0.19, 0.21);
    }

    @Test
    void requestsWithoutUserIdAreSplitAtRandom() {
        SplittableRandom random = new SplittableRandom(7);
        TrafficRouter router = TrafficRouter.of(TrafficSplit.of("a", 70, "b", "x"), random::nextDouble);
        int a = 0;
        for (int i = 0; i < 20_000; i++) {
            TrafficRouter.Route route = router.route(i % 2 == 0 ? null : " ");
            assertThat(route.sticky()).isFalse();
            a += route.variant().equals("a") ? 1 : 0;
        }
        assertThat(a / 20_000.0).isBetween(0.68, 0.72);
        assertThat(router.route("alice").sticky()).isTrue();
    }

    @Test
    void saltsMakeExperimentsIndependent() {
        int same = 0;
        for (int u = 0; u < 10_000; u++) {
            boolean a = TrafficRouter.position("exp-a", "u" + u) < 0.5;
            boolean b = TrafficRouter.position("exp-b", "u" + u) < 0.5;
            same += a == b ? 1 : 0;
        }
        assertThat(same / 10_000.0).isBetween(0.47, 0.53);
    }

    @Test
    void rejectsInvalidSplits() {
        assertThatThrownBy(() -> new TrafficSplit(List.of(new TrafficSplit.Weighted("a", 0),
                new TrafficSplit.Weighted("a", 0)), "s"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("appears twice")
                .hasMessageContaining("at least one variant with a positive weight");
        assertThatThrownBy(() -> TrafficSplit.of("a", 120, "b", "s")).isInstanceOf(IllegalArgumentException.class);
    }
}
