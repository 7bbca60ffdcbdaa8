package dev.requestreply.responder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.jspecify.annotations.Nullable;

/**
 * The requests of one share consumer that ended, handed from the threads that end them to the
 * consumer's thread, which acknowledges them.
 */
final class ShareEndings {

	private static final Ending WAKE = new Ending(null, AcknowledgeType.RELEASE);

	private final LinkedBlockingQueue<Ending> queue = new LinkedBlockingQueue<>();

	/**
	 * A request ended.
	 * @param request the request
	 * @param finished whether it is done with (accepted), else released
	 */
	void add(InHandRequest request, boolean finished) {
		this.queue.add(new Ending(request, finished ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE));
	}

	/**
	 * Wake the consumer's thread if it waits in {@link #take(long)}.
	 */
	void wake() {
		this.queue.add(WAKE);
	}

	/**
	 * Return the requests that ended, waiting for the first at most the given time.
	 * @param waitMillis how long to wait (0: not at all)
	 * @return the endings, oldest first
	 * @throws InterruptedException if interrupted while waiting
	 */
	List<Ending> take(long waitMillis) throws InterruptedException {
		Ending first = (waitMillis > 0) ? this.queue.poll(waitMillis, TimeUnit.MILLISECONDS) : this.queue.poll();
		List<Ending> all = new ArrayList<>();
		if (first != null) {
			all.add(first);
			this.queue.drainTo(all);
		}
		all.removeIf((ending) -> ending.request() == null);
		return all;
	}

	/**
	 * How a request ended.
	 * @param request the request ({@code null} only for a wake-up)
	 * @param type how to acknowledge it
	 */
	record Ending(@Nullable InHandRequest request, AcknowledgeType type) {

	}

}
