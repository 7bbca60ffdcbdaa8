package dev.requestreply.responder;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.responder.core.ResponderEvent;

/**
 * What the share consumers of a queue handler tell its core ({@link HandlerCore} around a
 * {@link dev.requestreply.responder.core.ShareCore}), each on its own thread: the requests a poll
 * acquired, with their delivery counts; a lock half gone; a lock lost; the consumer closed. The
 * core answers with the acknowledgements and renewals they carry out.
 */
final class ShareCoreLink {

	private final HandlerCore core;

	private final AtomicInteger consumers = new AtomicInteger();

	ShareCoreLink(HandlerCore core) {
		this.core = core;
	}

	/**
	 * Return the id of a new share consumer, unique for the handler's life.
	 */
	int newConsumer() {
		return this.consumers.getAndIncrement();
	}

	/**
	 * A poll acquired requests (in hand already): one post.
	 */
	void acquired(List<InHandRequest> requests, int consumer) {
		for (InHandRequest request : requests) {
			this.core.taken(request);
		}
		this.core.loop().post(new CorePostings.Arrivals(requests, consumer));
	}

	/**
	 * Half the acquisition lock of a request's delivery ran out.
	 */
	void renewDue(InHandRequest request) {
		CoreTicket ticket = request.ticket;
		if (ticket != null) {
			this.core.loop().post(new ResponderEvent.RenewDue(ticket.ref));
		}
	}

	/**
	 * The broker took a request's delivery back (its lock ran out).
	 */
	void lockLost(InHandRequest request) {
		CoreTicket ticket = request.ticket;
		if (ticket != null) {
			this.core.loop().post(new ResponderEvent.LockLost(ticket.ref));
		}
	}

	/**
	 * A share consumer closed: the broker released what it held.
	 */
	void consumerClosed(int consumer) {
		this.core.loop().post(new ResponderEvent.ConsumerClosed(consumer));
	}

}
