package dev.requestreply.handler;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import dev.requestreply.CurrentReplyContext;
import dev.requestreply.ReplyContext;
import org.jspecify.annotations.Nullable;

/**
 * Calls a handler method and adapts what it returns: a {@link CompletionStage} (or a single-value
 * reactive type, such as Reactor's {@code Mono}) replies with the value it completes with; for a
 * request that wants one reply, a {@link Stream} or {@link Flow.Publisher} (or a multi-value
 * reactive type, such as {@code Flux}) replies with the list of its elements, at most
 * {@value #MAX_COLLECTED} of them (more fail the request: one reply record cannot carry them; a
 * stream request can).
 */
final class HandlerResults {

	/**
	 * Most elements of a {@link Stream} or {@link Flow.Publisher} collected into one reply.
	 */
	static final int MAX_COLLECTED = 100_000;

	// A publisher is asked for its elements in chunks of this many.
	private static final int CHUNK = 256;

	private HandlerResults() {
	}

	/**
	 * Call the handler with its context current on this thread. A returned stage is cancelled
	 * when the request is.
	 * @return its result, completed when a returned stage completes; failed with what the
	 * method threw
	 */
	static CompletableFuture<Object> invoke(ReplyHandlerEndpoint endpoint, Object[] arguments,
			HandlerCallContext context, @Nullable BiFunction<Object[], HandlerCallContext, Object> coroutines) {
		Object result;
		try {
			result = CurrentReplyContext.callWith(context, () -> (coroutines != null) ? coroutines.apply(arguments, context)
					: endpoint.method().invoke(endpoint.bean(), arguments));
		}
		catch (InvocationTargetException ex) {
			return CompletableFuture.failedFuture(ex.getCause());
		}
		catch (Exception ex) {
			return CompletableFuture.failedFuture(ex);
		}
		try {
			result = ReactiveResults.adapt(result);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		if (result instanceof CompletionStage<?> stage) {
			context.onCancel(() -> cancel(stage));
			CompletableFuture<Object> completed = new CompletableFuture<>();
			stage.whenComplete((value, ex) -> {
				if (ex != null) {
					completed.completeExceptionally(unwrap(ex));
				}
				else {
					completed.complete(value);
				}
			});
			return completed;
		}
		return CompletableFuture.completedFuture(result);
	}

	private static void cancel(CompletionStage<?> stage) {
		try {
			stage.toCompletableFuture().cancel(true);
		}
		catch (UnsupportedOperationException ex) {
			// A stage that cannot be cancelled from outside: its handler checks isCancelled().
		}
	}

	/**
	 * Return the one reply value of a result: the elements of a {@link Stream} or
	 * {@link Flow.Publisher} as a list, any other value as it is.
	 */
	static CompletableFuture<Object> single(Object value, @Nullable ReplyContext context) {
		if (value instanceof Stream<?> stream) {
			try (stream) {
				List<?> elements = stream.limit(MAX_COLLECTED + 1L).toList();
				return (elements.size() > MAX_COLLECTED) ? CompletableFuture.failedFuture(tooMany())
						: CompletableFuture.completedFuture(elements);
			}
		}
		if (value instanceof Flow.Publisher<?> publisher) {
			return collect(publisher, context);
		}
		return CompletableFuture.completedFuture(value);
	}

	// An endless publisher is cut at the element cap, or when the request ends (its context is
	// cancelled at its deadline or its max-handling-time).
	private static CompletableFuture<Object> collect(Flow.Publisher<?> publisher, @Nullable ReplyContext context) {
		CompletableFuture<Object> result = new CompletableFuture<>();
		List<Object> elements = new ArrayList<>();
		publisher.subscribe(new Flow.Subscriber<Object>() {

			private Flow.@Nullable Subscription subscription;

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				this.subscription = subscription;
				if (context != null) {
					context.onCancel(() -> {
						subscription.cancel();
						result.cancel(false);
					});
				}
				subscription.request(CHUNK);
			}

			// Set in onSubscribe, before any other signal (Reactive Streams rule 1.9).
			private Flow.Subscription subscription() {
				return Objects.requireNonNull(this.subscription, "onNext before onSubscribe");
			}

			@Override
			public void onNext(Object item) {
				if (result.isDone()) {
					return;
				}
				if (elements.size() == MAX_COLLECTED) {
					subscription().cancel();
					result.completeExceptionally(tooMany());
					return;
				}
				elements.add(item);
				if (elements.size() % CHUNK == 0) {
					subscription().request(CHUNK);
				}
			}

			@Override
			public void onError(Throwable throwable) {
				result.completeExceptionally(throwable);
			}

			@Override
			public void onComplete() {
				result.complete(elements);
			}

		});
		return result;
	}

	private static IllegalStateException tooMany() {
		return new IllegalStateException("The handler's result has more than " + MAX_COLLECTED
				+ " elements, too many for one reply; request it as a stream");
	}

	static Throwable unwrap(Throwable ex) {
		Throwable current = ex;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
