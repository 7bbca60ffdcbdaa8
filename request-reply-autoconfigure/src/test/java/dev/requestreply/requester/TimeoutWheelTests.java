package dev.requestreply.requester;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TimeoutWheelTests {

	@Test
	void whenATickThrowsThenTheWheelGoesOnTicking() {
		AtomicInteger ticks = new AtomicInteger();
		try (TimeoutWheel wheel = new TimeoutWheel(TimeUnit.MILLISECONDS.toNanos(1), 8, 1, (request, now) -> {
		}, () -> {
			if (ticks.incrementAndGet() == 1) {
				throw new IllegalStateException("a tick that fails");
			}
		}, "test-timer")) {
			wheel.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= 3);
			assertThat(wheel.failures()).isEqualTo(1);
		}
	}

	@Test
	void whenNotStartedThenNoTickRunsBeforeItsOwnerSaysSo() throws Exception {
		AtomicInteger ticks = new AtomicInteger();
		try (TimeoutWheel wheel = new TimeoutWheel(TimeUnit.MILLISECONDS.toNanos(1), 8, 1, (request, now) -> {
		}, ticks::incrementAndGet, "test-timer")) {
			// Each tick is due 1 ms after the last; a started wheel would have ticked many times by the time
			// a second, started wheel has ticked 20 times.
			AtomicInteger other = new AtomicInteger();
			try (TimeoutWheel started = new TimeoutWheel(TimeUnit.MILLISECONDS.toNanos(1), 8, 1, (request, now) -> {
			}, other::incrementAndGet, "test-timer-2")) {
				started.start();
				await().atMost(Duration.ofSeconds(5)).until(() -> other.get() >= 20);
			}
			assertThat(ticks).hasValue(0);
			wheel.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= 1);
		}
	}

}
