package dev.requestreply.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SupervisedLoopTests {

	@Test
	void whenTheBodyFailsThenItIsStartedAgainAndTheFailureShows() {
		AtomicInteger runs = new AtomicInteger();
		SupervisedLoop loop = new SupervisedLoop("test-failing", (running) -> {
			if (runs.incrementAndGet() < 4) {
				throw new IllegalStateException("metadata timeout " + runs.get());
			}
			while (running.isRunning()) {
				Thread.sleep(5);
			}
		}, Duration.ofMillis(1), Duration.ofMillis(20));
		loop.start();
		try {
			await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 4);
			SupervisedLoop.Status status = loop.status();
			assertThat(status.state()).isEqualTo(SupervisedLoop.State.RUNNING);
			assertThat(status.restarts()).isEqualTo(3);
			assertThat(status.lastError()).contains("IllegalStateException").contains("metadata timeout 3");
			assertThat(status.lastErrorAt()).isNotNull();
		}
		finally {
			loop.stop(Duration.ofSeconds(5));
		}
		assertThat(loop.status().state()).isEqualTo(SupervisedLoop.State.STOPPED);
	}

	@Test
	void whenTheBodyReturnsWhileRunningThenItIsStartedAgain() {
		AtomicInteger runs = new AtomicInteger();
		SupervisedLoop loop = new SupervisedLoop("test-returning", (running) -> runs.incrementAndGet(),
				Duration.ofMillis(1), Duration.ofMillis(5));
		loop.start();
		try {
			await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
			assertThat(loop.status().lastError()).contains("returned");
		}
		finally {
			loop.stop(Duration.ofSeconds(5));
		}
	}

	@Test
	void whenStoppedThenAnInterruptedBodyEndsWithoutCountingAFailure() {
		SupervisedLoop loop = new SupervisedLoop("test-stopping", (running) -> Thread.sleep(60_000),
				Duration.ofMillis(1), Duration.ofMillis(5));
		loop.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> loop.status().state() == SupervisedLoop.State.RUNNING);
		loop.stop(Duration.ofSeconds(5));
		assertThat(loop.status().state()).isEqualTo(SupervisedLoop.State.STOPPED);
		assertThat(loop.status().restarts()).isZero();
		assertThat(loop.status().lastError()).isNull();
	}

}
