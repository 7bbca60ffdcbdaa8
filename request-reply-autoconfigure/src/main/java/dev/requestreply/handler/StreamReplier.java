package dev.requestreply.handler;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

import dev.requestreply.convert.PayloadConverter;

/**
 * Sends what a handler returned for a stream request: each element as a reply with its sequence
 * number, then an end marker (or an error reply) carrying the number of elements. The request is
 * let go once the end is sent.
 */
final class StreamReplier implements Flow.Subscriber<Object> {

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
			while (!cancelled() && elements.hasNext()) {
				onNext(elements.next());
			}
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
		if (this.address.context() != null) {
			this.address.context().onCancel(subscription::cancel);
		}
		subscription.request(Long.MAX_VALUE);
	}

	private boolean cancelled() {
		return this.address.context() != null && this.address.context().isCancelled();
	}

	@Override
	public void onNext(Object element) {
		this.sender.send(this.address, this.converter.toBytes(element), null, this.sent++, null, () -> {
		});
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
