package dev.requestreply;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

/**
 * Collects what a publisher sends, asking for a fixed number of elements at a time.
 */
public final class TestSubscriber<T> implements Flow.Subscriber<T> {

	public final List<T> elements = new CopyOnWriteArrayList<>();

	public final CompletableFuture<List<T>> done = new CompletableFuture<>();

	private final long batch;

	private Flow.Subscription subscription;

	private long outstanding;

	TestSubscriber(long batch) {
		this.batch = batch;
	}

	public static <T> TestSubscriber<T> subscribe(Flow.Publisher<T> publisher, long batch) {
		TestSubscriber<T> subscriber = new TestSubscriber<>(batch);
		publisher.subscribe(subscriber);
		return subscriber;
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		this.subscription = subscription;
		this.outstanding = this.batch;
		subscription.request(this.batch);
	}

	@Override
	public void onNext(T item) {
		this.elements.add(item);
		if (--this.outstanding == 0) {
			this.outstanding = this.batch;
			this.subscription.request(this.batch);
		}
	}

	@Override
	public void onError(Throwable throwable) {
		this.done.completeExceptionally(throwable);
	}

	@Override
	public void onComplete() {
		this.done.complete(List.copyOf(this.elements));
	}

	void cancel() {
		this.subscription.cancel();
	}

}
