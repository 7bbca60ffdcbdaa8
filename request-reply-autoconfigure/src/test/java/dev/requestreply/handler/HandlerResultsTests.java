package dev.requestreply.handler;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.requestreply.wire.RequestHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a transactional handler's result is awaited on the consumer's thread.
 */
class HandlerResultsTests {

	@Test
	void whenAResultNeverCompletesThenSettlingFailsWithATimeoutAfterTheLongestWait() {
		long start = System.nanoTime();
		CompletableFuture<Object> settled = HandlerResults.settle(new CompletableFuture<>(),
				RequestHeaders.NO_DEADLINE, Duration.ofMillis(50));
		assertThat(settled).isCompletedExceptionally();
		assertThat(failure(settled)).isInstanceOf(TimeoutException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(50), Duration.ofSeconds(5));
	}

	@Test
	void whenTheDeadlineHasPassedThenSettlingDoesNotWait() {
		CompletableFuture<Object> settled = HandlerResults.settle(new CompletableFuture<>(),
				System.currentTimeMillis() - 1, Duration.ofSeconds(30));
		assertThat(failure(settled)).isInstanceOf(TimeoutException.class);
	}

	@Test
	void whenAResultCompletesInTimeThenItIsTheSettledValue() {
		CompletableFuture<Object> late = CompletableFuture.supplyAsync(() -> "value",
				CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
		assertThat(HandlerResults.settle(late, RequestHeaders.NO_DEADLINE, Duration.ofSeconds(10)).join())
			.isEqualTo("value");
	}

	@Test
	void whenAResultFailsThenTheSettledFutureFailsWithItsCause() {
		CompletableFuture<Object> failing = CompletableFuture.supplyAsync(() -> {
			throw new IllegalStateException("boom");
		}, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
		assertThat(failure(HandlerResults.settle(failing, RequestHeaders.NO_DEADLINE, Duration.ofSeconds(10))))
			.isInstanceOf(IllegalStateException.class)
			.hasMessage("boom");
	}

	private static Throwable failure(CompletableFuture<Object> settled) {
		assertThat(settled).isDone();
		return settled.handle((value, ex) -> ex).join();
	}

}
