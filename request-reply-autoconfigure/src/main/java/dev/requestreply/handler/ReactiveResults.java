package dev.requestreply.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import org.reactivestreams.FlowAdapters;

import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;

/**
 * Adapts what a handler returned through Spring's {@link ReactiveAdapterRegistry} (Reactor's
 * {@code Mono} and {@code Flux}, RxJava's types, and whatever else it knows): a single-value type
 * becomes a future of its value, a multi-value type a {@link Flow.Publisher} of its elements. With
 * no reactive library on the class path the registry knows none of them and nothing is adapted;
 * the Reactive Streams classes are touched only once an adapter was found.
 */
final class ReactiveResults {

	private ReactiveResults() {
	}

	/**
	 * Return the result as a {@link CompletableFuture} (single value) or {@link Flow.Publisher}
	 * (several values), or as it is when it is no reactive type.
	 */
	static Object adapt(Object result) {
		if (result == null || result instanceof CompletionStage<?> || result instanceof Flow.Publisher<?>) {
			return result;
		}
		ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(result.getClass());
		if (adapter == null) {
			return result;
		}
		Flow.Publisher<Object> publisher = ReactiveStreams.toFlow(adapter, result);
		return adapter.isMultiValue() ? publisher : first(publisher);
	}

	private static CompletableFuture<Object> first(Flow.Publisher<Object> publisher) {
		CompletableFuture<Object> result = new CompletableFuture<>();
		publisher.subscribe(new Flow.Subscriber<>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				// Cancelling the future (the request was cancelled) cancels the subscription.
				result.whenComplete((value, ex) -> subscription.cancel());
				subscription.request(1);
			}

			@Override
			public void onNext(Object item) {
				result.complete(item);
			}

			@Override
			public void onError(Throwable throwable) {
				result.completeExceptionally(throwable);
			}

			@Override
			public void onComplete() {
				result.complete(null);
			}

		});
		return result;
	}

	/**
	 * Loaded only when an adapter exists, so that Reactive Streams is on the class path.
	 */
	private static final class ReactiveStreams {

		@SuppressWarnings("unchecked")
		static Flow.Publisher<Object> toFlow(ReactiveAdapter adapter, Object result) {
			return FlowAdapters.toFlowPublisher((org.reactivestreams.Publisher<Object>) adapter.toPublisher(result));
		}

	}

}
