package dev.requestreply.requester;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.requestreply.StreamOverflowException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The elements of a streaming reply as a single-subscriber {@link Flow.Publisher}: elements that
 * arrive before the subscriber asks for them are buffered, so none is lost between the request and
 * the subscription. Kafka cannot slow the responder down, so the buffer is bounded: past its
 * limit the request fails with a {@link StreamOverflowException}, which the subscriber receives at
 * once, and the buffered elements are dropped.
 * <p>
 * The subscriber is called on the completion executor (or on its own thread, from
 * {@code request}), never on the reply reader's: a subscriber that is slow or blocks holds up no
 * other reply. Its calls never overlap and come in order.
 *
 * @param <T> the element type
 */
final class ReplyPublisher<T> implements Flow.Publisher<T> {

	private final Queue<T> buffer = new ConcurrentLinkedQueue<>();

	private final AtomicInteger buffered = new AtomicInteger();

	private final int maxBuffered;

	private volatile Runnable onOverflow = () -> {
	};

	private final AtomicLong requested = new AtomicLong();

	private final AtomicInteger work = new AtomicInteger();

	private final AtomicBoolean subscribed = new AtomicBoolean();

	private volatile Runnable onCancel = () -> {
	};

	// Where the engine's threads hand their signals over; until bound, on the calling thread.
	private volatile Executor executor = Runnable::run;

	private volatile Flow.@Nullable Subscriber<? super T> subscriber;

	private volatile boolean done;

	private volatile @Nullable Throwable failure;

	private volatile boolean cancelled;

	/**
	 * Create a publisher with the default buffer.
	 */
	ReplyPublisher() {
		this(RequesterSettings.DEFAULT_STREAM_BUFFER);
	}

	/**
	 * Create a publisher.
	 * @param maxBuffered the most elements buffered for a subscriber that has not requested them
	 */
	ReplyPublisher(int maxBuffered) {
		Assert.isTrue(maxBuffered > 0, "'maxBuffered' must be positive");
		this.maxBuffered = maxBuffered;
	}

	/**
	 * Bind this publisher to the request whose replies it publishes: the request's end ends the
	 * stream, a subscriber's cancellation cancels the request, and an overflow cancels it too (the
	 * responder is told to stop) while the subscriber gets the overflow as its error.
	 */
	void bind(PendingRequests registry, PendingRequest<Void> request) {
		this.executor = registry::complete;
		this.onCancel = () -> registry.cancel(request.id);
		this.onOverflow = () -> {
			registry.figures().failedFast(FastFailure.STREAM_OVERFLOW);
			registry.ends().abandon(request, new StreamOverflowException(request.topic, this.maxBuffered));
		};
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
					clearBuffer();
					ReplyPublisher.this.onCancel.run();
				}
			}

		});
		this.subscriber = subscriber;
		drain();
	}

	void emit(T element) {
		if (!this.done && !this.cancelled) {
			// Elements are emitted by one thread (the reply consumer's), so check-then-add holds.
			if (this.buffered.get() >= this.maxBuffered) {
				// Dropped, so that the subscriber gets the failure now rather than after them.
				clearBuffer();
				this.onOverflow.run();
				return;
			}
			this.buffered.incrementAndGet();
			this.buffer.offer(element);
			signal();
		}
	}

	/**
	 * Return the most elements buffered for a subscriber that has not requested them.
	 * @return the limit
	 */
	int maxBuffered() {
		return this.maxBuffered;
	}

	/**
	 * Return the number of elements buffered for the subscriber.
	 * @return the count
	 */
	public int bufferedCount() {
		return Math.max(0, this.buffered.get());
	}

	private void clearBuffer() {
		this.buffer.clear();
		this.buffered.set(0);
	}

	// On the completion executor (the request's end), or on the caller's thread (a cancel).
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

	// From the engine's threads: deliver on the completion executor.
	private void signal() {
		if (this.work.getAndIncrement() == 0) {
			this.executor.execute(this::deliver);
		}
	}

	// From the subscriber's own thread: deliver here, unless a delivery is already under way.
	private void drain() {
		if (this.work.getAndIncrement() == 0) {
			deliver();
		}
	}

	private void deliver() {
		int missed = 1;
		do {
			Flow.Subscriber<? super T> target = this.subscriber;
			if (target != null) {
				while (!this.cancelled && this.requested.get() > 0) {
					T element = this.buffer.poll();
					if (element == null) {
						break;
					}
					this.buffered.decrementAndGet();
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
