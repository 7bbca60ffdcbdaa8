package dev.requestreply.correlation;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The elements of a streaming reply as a single-subscriber {@link Flow.Publisher}: elements that
 * arrive before the subscriber asks for them are buffered, so none is lost between the request and
 * the subscription.
 *
 * @param <T> the element type
 */
public final class ReplyPublisher<T> implements Flow.Publisher<T> {

	private final Queue<T> buffer = new ConcurrentLinkedQueue<>();

	private final AtomicLong requested = new AtomicLong();

	private final AtomicInteger work = new AtomicInteger();

	private final AtomicBoolean subscribed = new AtomicBoolean();

	private volatile Runnable onCancel = () -> {
	};

	private volatile Flow.Subscriber<? super T> subscriber;

	private volatile boolean done;

	private volatile Throwable failure;

	private volatile boolean cancelled;

	/**
	 * Bind this publisher to the request whose replies it publishes: the request's end ends the
	 * stream, and a subscriber's cancellation cancels the request.
	 */
	void bind(PendingRequests registry, PendingRequest<Void> request) {
		this.onCancel = () -> registry.cancel(request.id);
		request.whenComplete((done, ex) -> {
			if (ex != null) {
				fail(ex);
			}
			else {
				complete();
			}
		});
		if (this.cancelled) {
			registry.cancel(request.id);
		}
	}

	@Override
	public void subscribe(Flow.Subscriber<? super T> subscriber) {
		if (!this.subscribed.compareAndSet(false, true)) {
			subscriber.onSubscribe(new Flow.Subscription() {

				@Override
				public void request(long n) {
				}

				@Override
				public void cancel() {
				}

			});
			subscriber.onError(new IllegalStateException("A reply stream has only one subscriber"));
			return;
		}
		subscriber.onSubscribe(new Flow.Subscription() {

			@Override
			public void request(long n) {
				if (n <= 0) {
					fail(new IllegalArgumentException("Rule 3.9: request must be positive, was " + n));
					return;
				}
				ReplyPublisher.this.requested.getAndUpdate((current) -> (current + n < 0) ? Long.MAX_VALUE : current + n);
				drain();
			}

			@Override
			public void cancel() {
				if (!ReplyPublisher.this.cancelled) {
					ReplyPublisher.this.cancelled = true;
					ReplyPublisher.this.buffer.clear();
					ReplyPublisher.this.onCancel.run();
				}
			}

		});
		this.subscriber = subscriber;
		drain();
	}

	void emit(T element) {
		if (!this.done && !this.cancelled) {
			this.buffer.offer(element);
			drain();
		}
	}

	void complete() {
		this.done = true;
		drain();
	}

	/**
	 * End the stream with a failure (for example when its request could not be sent).
	 * @param failure the failure the subscriber receives
	 */
	public void fail(Throwable failure) {
		if (!this.done) {
			this.failure = failure;
			this.done = true;
		}
		drain();
	}

	private void drain() {
		if (this.work.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			Flow.Subscriber<? super T> target = this.subscriber;
			if (target != null) {
				while (!this.cancelled && this.requested.get() > 0) {
					T element = this.buffer.poll();
					if (element == null) {
						break;
					}
					this.requested.decrementAndGet();
					target.onNext(element);
				}
				if (!this.cancelled && this.done && this.buffer.isEmpty()) {
					this.cancelled = true;
					Throwable error = this.failure;
					if (error != null) {
						target.onError(error);
					}
					else {
						target.onComplete();
					}
				}
			}
			missed = this.work.addAndGet(-missed);
		}
		while (missed != 0);
	}

}
