package dev.requestreply.test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The publisher of a stubbed stream: one subscriber, elements as it asks for them, once the
 * stubbed elements are there; then completion, or the failure.
 *
 * @param <T> the element type
 */
final class StubStreamPublisher<T> implements Flow.Publisher<T> {

	private final CompletableFuture<List<T>> elements;

	private boolean subscribed;

	StubStreamPublisher(CompletableFuture<List<T>> elements) {
		this.elements = elements;
	}

	@Override
	public void subscribe(Flow.Subscriber<? super T> subscriber) {
		synchronized (this) {
			if (this.subscribed) {
				Subscription<T> refused = new Subscription<>(subscriber, CompletableFuture
					.failedFuture(new IllegalStateException("A reply stream has one subscriber only")));
				subscriber.onSubscribe(refused);
				refused.drain();
				return;
			}
			this.subscribed = true;
		}
		Subscription<T> subscription = new Subscription<>(subscriber, this.elements);
		subscriber.onSubscribe(subscription);
		this.elements.whenComplete((done, ex) -> subscription.drain());
	}

	private static final class Subscription<T> implements Flow.Subscription {

		private final Flow.Subscriber<? super T> subscriber;

		private final CompletableFuture<List<T>> elements;

		private long demand;

		private int next;

		private boolean draining;

		private boolean missed;

		private boolean ended;

		Subscription(Flow.Subscriber<? super T> subscriber, CompletableFuture<List<T>> elements) {
			this.subscriber = subscriber;
			this.elements = elements;
		}

		@Override
		public void request(long n) {
			synchronized (this) {
				if (n <= 0) {
					this.ended = true;
					this.subscriber.onError(new IllegalArgumentException("Demand must be positive, was " + n));
					return;
				}
				this.demand = (this.demand + n < 0) ? Long.MAX_VALUE : this.demand + n;
			}
			drain();
		}

		@Override
		public synchronized void cancel() {
			this.ended = true;
		}

		/**
		 * Emit what is asked for and there. One thread emits at a time; a call meanwhile (a
		 * {@code request} from inside {@code onNext}, or from another thread) makes it look again.
		 */
		void drain() {
			synchronized (this) {
				if (this.ended || !this.elements.isDone()) {
					return;
				}
				if (this.draining) {
					this.missed = true;
					return;
				}
				this.draining = true;
			}
			boolean done = false;
			try {
				while (!done) {
					emit();
					synchronized (this) {
						done = !this.missed;
						this.missed = false;
					}
				}
			}
			finally {
				synchronized (this) {
					this.draining = false;
				}
			}
		}

		private void emit() {
			List<T> all;
			try {
				all = this.elements.join();
			}
			catch (RuntimeException ex) {
				if (!end()) {
					return;
				}
				this.subscriber.onError((ex.getCause() != null) ? ex.getCause() : ex);
				return;
			}
			while (true) {
				T element;
				synchronized (this) {
					if (this.ended) {
						return;
					}
					if (this.next == all.size()) {
						this.ended = true;
						break;
					}
					if (this.demand == 0) {
						return;
					}
					this.demand--;
					element = all.get(this.next++);
				}
				this.subscriber.onNext(element);
			}
			this.subscriber.onComplete();
		}

		private synchronized boolean end() {
			boolean first = !this.ended;
			this.ended = true;
			return first;
		}

	}

}
