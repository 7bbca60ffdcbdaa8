package dev.requestreply.requester;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the completion pool grows while callbacks block all its threads, and what it says once it
 * cannot grow any more, driven tick by tick with a clock of the test's own.
 */
@ExtendWith(OutputCaptureExtension.class)
class CompletionsTests {

	private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private long now;

	@Test
	void whenCallbacksBlockEveryThreadThenThePoolGrowsWithAWarningAndAtItsMaximumIsSaturatedWithAnErrorUntilNoCompletionWaits(CapturedOutput output)
			throws Exception {
		// One thread, allowed to grow to two (its own maximum, below the engine's).
		ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
		Completions.configure(pool, 1);
		pool.setMaxPoolSize(2);
		pool.initialize();
		Completions completions = new Completions(pool);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch running = new CountDownLatch(2);
		try {
			for (int i = 0; i < 3; i++) {
				completions.execute(() -> {
					running.countDown();
					awaitQuietly(release);
				});
			}
			for (int i = 0; i < 10 && completions.threads() < 2; i++) {
				tick(completions, 1);
			}
			assertThat(running.await(5, TimeUnit.SECONDS)).as("a second thread added").isTrue();
			assertThat(completions.threads()).isEqualTo(2);
			assertThat(output).contains("WARN").contains("Every request-reply completion thread was busy");
			assertThat(completions.saturated()).isFalse();
			tick(completions, 5);
			assertThat(output).contains("ERROR").contains("All 2 request-reply completion threads are blocked");
			assertThat(completions.saturated()).isTrue();
			assertThat(completions.saturations()).isOne();
			tick(completions, 5);
			assertThat(completions.saturations()).as("one saturation until no completion waits").isOne();
			release.countDown();
			await().atMost(Duration.ofSeconds(5)).until(() -> pool.getThreadPoolExecutor().getQueue().isEmpty());
			tick(completions, 1);
			assertThat(completions.saturated()).isFalse();
			assertThat(completions.saturations()).isOne();
		}
		finally {
			release.countDown();
			pool.shutdown();
		}
	}

	private void tick(Completions completions, int ticks) {
		for (int i = 0; i < ticks; i++) {
			this.now += TICK_NANOS;
			completions.check(this.now);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
