package dev.requestreply.handler;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

/**
 * Calls a handler method and adapts what it returns: a {@link CompletionStage} replies with the
 * value it completes with; for a request that wants one reply, a {@link Stream} or
 * {@link Flow.Publisher} replies with the list of its elements, at most {@value #MAX_COLLECTED}
 * of them (more fail the request: one reply record cannot carry them; a stream request can).
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
	 * Call the handler.
	 * @return its result, completed when a returned stage completes; failed with what the
	 * method threw
	 */
	static CompletableFuture<Object> invoke(ReplyHandlerEndpoint endpoint, Object payload) {
		Object result;
		try {
			result = endpoint.method().invoke(endpoint.bean(), payload);
		}
		catch (InvocationTargetException ex) {
			return CompletableFuture.failedFuture(ex.getCause());
		}
		catch (IllegalAccessException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		if (result instanceof CompletionStage<?> stage) {
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

	/**
	 * Return the one reply value of a result: the elements of a {@link Stream} or
	 * {@link Flow.Publisher} as a list, any other value as it is.
	 */
	static CompletableFuture<Object> single(Object value) {
		if (value instanceof Stream<?> stream) {
			try (stream) {
				List<?> elements = stream.limit(MAX_COLLECTED + 1L).toList();
				return (elements.size() > MAX_COLLECTED) ? CompletableFuture.failedFuture(tooMany())
						: CompletableFuture.completedFuture(elements);
			}
		}
		if (value instanceof Flow.Publisher<?> publisher) {
			return collect(publisher);
		}
		return CompletableFuture.completedFuture(value);
	}

	private static CompletableFuture<Object> collect(Flow.Publisher<?> publisher) {
		CompletableFuture<Object> result = new CompletableFuture<>();
		List<Object> elements = new ArrayList<>();
		publisher.subscribe(new Flow.Subscriber<Object>() {

			private Flow.Subscription subscription;

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				this.subscription = subscription;
				subscription.request(CHUNK);
			}

			@Override
			public void onNext(Object item) {
				if (result.isDone()) {
					return;
				}
				if (elements.size() == MAX_COLLECTED) {
					this.subscription.cancel();
					result.completeExceptionally(tooMany());
					return;
				}
				elements.add(item);
				if (elements.size() % CHUNK == 0) {
					this.subscription.request(CHUNK);
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
