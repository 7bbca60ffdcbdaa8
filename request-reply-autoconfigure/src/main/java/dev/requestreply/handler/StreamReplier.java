package dev.requestreply.handler;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.requestreply.convert.PayloadConverter;

/**
 * Sends what a handler returned for a stream request: each element as a reply with its sequence
 * number, then an end marker (or an error reply) carrying the number of elements. The request is
 * let go once the end is sent.
 * <p>
 * Elements are taken at most {@value #WINDOW} ahead of the sends the producer has completed: a
 * {@code Flow.Publisher} is asked for them in chunks as sends complete, and an iterator is read no
 * further while the window is full. So a handler producing a million elements holds at most a
 * window of them in memory, however fast it produces.
 */
final class StreamReplier implements Flow.Subscriber<Object> {

	/**
	 * Most elements taken from the handler's result and not yet sent.
	 */
	static final int WINDOW = 256;

	// Demand is renewed in chunks rather than one element at a time.
	private static final int CHUNK = WINDOW / 4;

	// Sends complete on the producer's I/O thread, which must not produce the next elements.
	private static final Executor DEMAND = ForkJoinPool.commonPool();

	private final Semaphore window = new Semaphore(WINDOW);

	private final AtomicInteger sentSinceDemand = new AtomicInteger();

	private volatile Flow.Subscription subscription;

	private final ReplyAddress address;

	private final ReplySender sender;

	private final PayloadConverter converter;

	private final HandlerFigures figures;

	private final Runnable whenDone;

	private long sent;

	StreamReplier(ReplyAddress address, ReplySender sender, PayloadConverter converter, HandlerFigures figures,
			Runnable whenDone) {
		this.address = address;
		this.sender = sender;
		this.converter = converter;
		this.figures = figures;
		this.whenDone = whenDone;
	}

	/**
	 * Send the elements of a handler's result: a {@code Flow.Publisher}, {@code Stream},
	 * {@code Iterable} or array, or a single value as a stream of one. A cancelled request stops
	 * the iteration, or cancels the subscription.
	 */
	void start(Object value) {
		if (value instanceof Flow.Publisher<?> publisher) {
			publisher.subscribe(this);
			return;
		}
		Iterator<?> elements;
		Runnable close = () -> {
		};
		if (value instanceof Stream<?> stream) {
			elements = stream.iterator();
			close = stream::close;
		}
		else if (value instanceof Iterable<?> iterable) {
			elements = iterable.iterator();
		}
		else if (value instanceof Object[] array) {
			elements = Arrays.asList(array).iterator();
		}
		else {
			elements = (value != null) ? List.of(value).iterator() : Collections.emptyIterator();
		}
		try {
			while (!cancelled()) {
				// Before hasNext, which may already take the next element (a Stream's iterator does).
				// Bounded by the producer's delivery timeout: every send completes, sent or failed.
				this.window.acquire();
				if (!elements.hasNext()) {
					break;
				}
				send(elements.next());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			onError(ex);
			return;
		}
		catch (RuntimeException ex) {
			onError(ex);
			return;
		}
		finally {
			close.run();
		}
		onComplete();
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		this.subscription = subscription;
		if (this.address.context() != null) {
			this.address.context().onCancel(subscription::cancel);
		}
		subscription.request(WINDOW);
	}

	private boolean cancelled() {
		return this.address.context() != null && this.address.context().isCancelled();
	}

	@Override
	public void onNext(Object element) {
		send(element);
	}

	private void send(Object element) {
		this.sender.send(this.address, this.converter.toBytes(element), null, this.sent++, null, this::elementSent);
	}

	private void elementSent() {
		this.window.release();
		Flow.Subscription current = this.subscription;
		if (current != null && this.sentSinceDemand.incrementAndGet() >= CHUNK) {
			int granted = this.sentSinceDemand.getAndSet(0);
			if (granted > 0) {
				DEMAND.execute(() -> current.request(granted));
			}
		}
	}

	@Override
	public void onError(Throwable failure) {
		this.figures.outcome(this.address, ReplyHandlerOutcome.ERROR);
		this.sender.send(this.address, null, HandlerResults.unwrap(failure), null, this.sent, this.whenDone);
	}

	@Override
	public void onComplete() {
		if (cancelled()) {
			// The requester gave up (counted when the cancel arrived): no end marker.
			this.whenDone.run();
			return;
		}
		this.figures.outcome(this.address, ReplyHandlerOutcome.SUCCESS);
		this.sender.send(this.address, null, null, null, this.sent, this.whenDone);
	}

}
