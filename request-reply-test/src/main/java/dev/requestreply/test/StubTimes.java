package dev.requestreply.test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.requestreply.RequestTimeoutException;

/**
 * When a {@link StubRequestReplyOperations}' futures end: after a reply's delay or a request's
 * timeout, on another thread, as the real template's do.
 */
final class StubTimes {

	private StubTimes() {
	}

	static <T> void timeOut(CompletableFuture<T> future, RecordedRequest request, Duration timeout) {
		executor(timeout).execute(() -> future.completeExceptionally(
				new RequestTimeoutException(request.topic(), request.correlationId(), timeout)));
	}

	static <T> CompletableFuture<T> later(Duration delay, T value) {
		return CompletableFuture.supplyAsync(() -> value, executor(delay));
	}

	static <T> void complete(CompletableFuture<T> future, Supplier<T> reply) {
		try {
			future.complete(reply.get());
		}
		catch (RuntimeException ex) {
			future.completeExceptionally(ex);
		}
	}

	static Executor executor(Duration delay) {
		return CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS);
	}

	@SuppressWarnings("unchecked")
	static <T> CompletableFuture<T> cast(CompletableFuture<?> future) {
		return (CompletableFuture<T>) future;
	}

}
