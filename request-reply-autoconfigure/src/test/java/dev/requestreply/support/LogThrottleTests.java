package dev.requestreply.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A condition that repeats is logged at its first occurrence, then at most once per interval
 * with the number of occurrences since the last line.
 */
class LogThrottleTests {

	@Test
	void whenSomethingRepeatsThenALineIsDueAtTheFirstAndThenOncePerIntervalWithTheCountSince() {
		AtomicLong now = new AtomicLong(1_000);
		LogThrottle throttle = new LogThrottle(Duration.ofNanos(100), now::get);
		assertThat(throttle.occurred()).isOne();
		assertThat(throttle.occurred()).isZero();
		now.addAndGet(99);
		assertThat(throttle.occurred()).isZero();
		now.addAndGet(1);
		assertThat(throttle.occurred()).isEqualTo(3);
		now.addAndGet(500);
		assertThat(throttle.occurred()).isOne();
		assertThat(throttle.total()).isEqualTo(5);
	}

}
