package dev.requestreply.responder;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.handler.HandlerInvoker;
import dev.requestreply.handler.ReplyHandlerOutcome;
import dev.requestreply.handler.ReplyTooLargeException;
import org.jspecify.annotations.Nullable;

/**
 * Sends what a handler returned for a stream request: each element as a reply with its sequence
 * number, then an end marker (or an error reply) carrying the number of elements. The request
 * ends once the end is sent, or at once when it is ended otherwise (cancelled, or stopped by the
 * watchdog): then no further element is sent and the publisher's subscription is cancelled.
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

	private final Semaphore window = new Semaphore(WINDOW);

	// Completed once the stream ended: its end (or error reply) made, or the request ended.
	private final CompletableFuture<Void> terminated = new CompletableFuture<>();

	private final AtomicInteger sentSinceDemand = new AtomicInteger();

	private volatile Flow.@Nullable Subscription subscription;

	private final InHandRequest request;

	private final ReplyAddress address;

	private final ReplySender sender;

	private final PayloadConverter converter;

	private final HandlerFigures figures;

	private final Runnable whenDone;

	// Sends complete on the producer's I/O thread, which must not produce the next elements.
	private final Executor demand;

	// Guarded by this.
	private long sent;

	/**
	 * @param request the request
	 * @param address where the replies go
	 * @param sender the sender
	 * @param converter the converter of elements
	 * @param figures the handler's figures
	 * @param whenDone run once the end of the stream was sent
	 * @param demand where a publisher is asked for more elements
	 */
	StreamReplier(InHandRequest request, ReplyAddress address, ReplySender sender, PayloadConverter converter,
			HandlerFigures figures, Runnable whenDone, Executor demand) {
		this.request = request;
		this.address = address;
		this.sender = sender;
		this.converter = converter;
		this.figures = figures;
		this.whenDone = whenDone;
		this.demand = demand;
	}

	/**
	 * Send the elements of a handler's result: a {@code Flow.Publisher}, {@code Stream},
	 * {@code Iterable} or array, or a single value as a stream of one. An iterator is read on the
	 * calling thread.
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
			// Until it ends, or its end is on its way (an element too large, the watchdog).
			while (this.request.isStreaming()) {
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
		if (this.request.isEnded()) {
			subscription.cancel();
			return;
		}
		subscription.request(WINDOW);
	}

	@Override
	public void onNext(Object element) {
		if (this.request.isEnded()) {
			Flow.Subscription current = this.subscription;
			if (current != null) {
				current.cancel();
			}
			return;
		}
		send(element);
	}

	private void send(Object element) {
		byte[] value = this.converter.toBytes(element);
		ReplyTooLargeException tooLarge;
		synchronized (this) {
			if (!this.request.isStreaming()) {
				return;
			}
			tooLarge = this.sender.send(this.request, this.address, value, null, this.sent, null, this::elementSent);
			if (tooLarge == null) {
				this.sent++;
				return;
			}
		}
		terminate(tooLarge, ReplyHandlerOutcome.ERROR);
	}

	private void elementSent() {
		this.window.release();
		Flow.Subscription current = this.subscription;
		if (current != null && this.sentSinceDemand.incrementAndGet() >= CHUNK) {
			int granted = this.sentSinceDemand.getAndSet(0);
			if (granted > 0 && !this.request.isEnded()) {
				this.demand.execute(() -> current.request(granted));
			}
		}
	}

	@Override
	public void onError(Throwable failure) {
		terminate(HandlerInvoker.unwrap(failure), ReplyHandlerOutcome.ERROR);
	}

	@Override
	public void onComplete() {
		terminate(null, ReplyHandlerOutcome.SUCCESS);
	}

	/**
	 * Send the end of the stream, or an error reply in its place, unless the request ended.
	 * @param failure the failure, or {@code null} for the end marker
	 * @param outcome how the request ended, as counted
	 */
	void terminate(@Nullable Throwable failure, ReplyHandlerOutcome outcome) {
		try {
			synchronized (this) {
				if (!this.request.beginReply()) {
					return;
				}
				this.figures.outcome(this.address, outcome);
				this.sender.send(this.request, this.address, null, failure, null, this.sent, this.whenDone);
			}
			Flow.Subscription current = this.subscription;
			if (current != null && failure != null) {
				current.cancel();
			}
		}
		finally {
			this.terminated.complete(null);
		}
	}

	/**
	 * Return a future completed once the stream ended: its end (or an error reply) made, or the
	 * request ended before.
	 */
	CompletableFuture<Void> terminated() {
		return this.terminated;
	}

}
