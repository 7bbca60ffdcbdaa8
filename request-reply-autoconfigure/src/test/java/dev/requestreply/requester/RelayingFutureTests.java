package dev.requestreply.requester;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.requestreply.RequestTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The dependents of a request's future fail as the JDK's do, with a {@link CompletionException}
 * that fills no stack trace: what callbacks see is unchanged.
 */
class RelayingFutureTests {

	@Test
	void whenARequestTimesOutThenItsDependentsFailWithACompletionExceptionWithoutAStackTrace() throws Exception {
		try (PendingRequests registry = new PendingRequests(Duration.ofMillis(5), 10, Duration.ofMinutes(1))) {
			PendingRequest<String> request = registry.register("t", String.class, Duration.ofMillis(20));
			AtomicReference<Throwable> seen = new AtomicReference<>();
			List<CompletableFuture<?>> dependents = List.of(request.whenComplete((value, ex) -> seen.set(ex)),
					request.thenApply(String::length), request.thenAccept((value) -> {
					}), request.thenRun(() -> {
					}));
			Throwable failure = catchThrowable(() -> request.get(5, TimeUnit.SECONDS)).getCause();
			assertThat(failure).isInstanceOf(RequestTimeoutException.class);
			for (CompletableFuture<?> dependent : dependents) {
				Throwable relayed = dependent.handle((value, ex) -> ex).get(5, TimeUnit.SECONDS);
				assertThat(relayed).isInstanceOf(CompletionException.class).hasCause(failure);
				assertThat(relayed.getMessage()).isEqualTo(failure.toString());
				assertThat(relayed.getStackTrace()).isEmpty();
			}
			assertThat(seen.get()).isSameAs(failure);
		}
	}

	@Test
	void whenTheFutureEndsEitherWayThenItsDependentsEndAsThoseOfAPlainFuture() {
		RuntimeException failure = new IllegalStateException("failed");
		IllegalArgumentException thrown = new IllegalArgumentException("callback");
		List<Function<CompletableFuture<String>, CompletableFuture<?>>> stages = List.of(
				(future) -> future.whenComplete((value, ex) -> {
				}), (future) -> future.whenComplete((value, ex) -> {
					throw thrown;
				}), (future) -> future.thenApply(String::length), (future) -> future.thenApply((value) -> {
					throw thrown;
				}), (future) -> future.thenAccept((value) -> {
				}), (future) -> future.thenRun(() -> {
					throw thrown;
				}));
		for (boolean fails : new boolean[] { false, true }) {
			for (boolean doneBefore : new boolean[] { false, true }) {
				List<String> ours = outcomes(new TestFuture<>(), stages, fails, doneBefore, failure);
				List<String> jdks = outcomes(new CompletableFuture<>(), stages, fails, doneBefore, failure);
				assertThat(ours).as("failed %s, done before %s", fails, doneBefore).isEqualTo(jdks);
			}
		}
		assertThat(failure.getSuppressed()).allSatisfy((suppressed) -> assertThat(suppressed).isSameAs(thrown))
			.hasSize(4);
	}

	private static List<String> outcomes(CompletableFuture<String> future,
			List<Function<CompletableFuture<String>, CompletableFuture<?>>> stages, boolean fails, boolean doneBefore,
			RuntimeException failure) {
		Runnable end = () -> {
			if (fails) {
				future.completeExceptionally(failure);
			}
			else {
				future.complete("value");
			}
		};
		if (doneBefore) {
			end.run();
		}
		List<CompletableFuture<?>> dependents = new ArrayList<>();
		for (Function<CompletableFuture<String>, CompletableFuture<?>> stage : stages) {
			dependents.add(stage.apply(future));
		}
		if (!doneBefore) {
			end.run();
		}
		List<String> outcomes = new ArrayList<>();
		for (CompletableFuture<?> dependent : dependents) {
			outcomes.add(dependent.handle((value, ex) -> (ex != null)
					? ((ex instanceof CompletionException) ? "CompletionException" : ex.getClass().getSimpleName())
							+ " of " + ex.getCause() + ": " + ex.getMessage()
					: "value " + value).join());
		}
		return outcomes;
	}

	private static final class TestFuture<T> extends RelayingFuture<T> {

	}

}
