package dev.requestreply.requester;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.requestreply.support.LoopThreads;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Tells, for the message of a request that timed out, whether no consumer or share group read its
 * topic while it waited: from the newest lookup of the groups, if that started after the request
 * was sent. The lookups are those of the {@link ResponderDirectory} that
 * {@code request-reply.fail-fast-without-responders} runs or, when it is off, of one of its own,
 * started (off the caller's thread) by the first request sent, which looks the groups up once
 * when it starts, then after a request to a topic not asked for lately, or to one unserved at a
 * lookup older than {@link #INTERVAL}. Never waits: without such a lookup, it says nothing.
 */
final class ResponderHints implements AutoCloseable {

	/**
	 * How often its own directory may look up again for requests to a topic it found unserved.
	 */
	static final Duration INTERVAL = Duration.ofSeconds(2);

	private static final LogAccessor logger = new LogAccessor(ResponderHints.class);

	private final @Nullable ResponderDirectory checking;

	private final Supplier<ResponderDirectory> start;

	private final LoopThreads threads;

	private final AtomicBoolean started = new AtomicBoolean();

	private volatile @Nullable ResponderDirectory own;

	private volatile boolean closed;

	/**
	 * Create the hints.
	 * @param checking the directory that fail-fast-without-responders runs, or {@code null}
	 * @param start starts a directory for the hints alone, on the first request without one
	 * @param threads the kind of thread it starts on
	 */
	ResponderHints(@Nullable ResponderDirectory checking, Supplier<ResponderDirectory> start, LoopThreads threads) {
		this.checking = checking;
		this.start = start;
		this.threads = threads;
	}

	/**
	 * A request was just sent to these topics: its own directory (started by the first request)
	 * looks them up after it if its hints need it. Nothing when fail-fast-without-responders runs.
	 * @param topics the topics of the request
	 */
	void sent(List<String> topics) {
		if (this.checking != null) {
			return;
		}
		ResponderDirectory directory = this.own;
		if (directory == null) {
			startOwn();
			return;
		}
		for (int i = 0; i < topics.size(); i++) {
			directory.sentTo(topics.get(i));
		}
	}

	/**
	 * Return what to add to the message of a request to this topic that timed out.
	 * @param topic the request's topic
	 * @param sentNanos when the request was sent
	 * @return the hint, or {@code null} when the topic may have had a responder or nothing is known
	 */
	@Nullable String timeoutHint(String topic, long sentNanos) {
		ResponderDirectory directory = (this.checking != null) ? this.checking : this.own;
		return (directory != null && directory.unservedSince(topic, sentNanos))
				? "no consumer or share group reads topic '" + topic
						+ "' (request-reply.fail-fast-without-responders fails such requests at once)"
				: null;
	}

	// Off the thread that asks (an admin client starts a thread of its own).
	private void startOwn() {
		if (this.closed || !this.started.compareAndSet(false, true)) {
			return;
		}
		this.threads.newThread("request-reply-responders", () -> {
			try {
				ResponderDirectory directory = this.start.get();
				this.own = directory;
				// For the requests sent before it was seen: a lookup that starts after them.
				directory.lookUpAfterNow();
				if (this.closed) {
					directory.close();
				}
			}
			catch (RuntimeException ex) {
				logger.debug(ex, "Could not start looking up the consumer groups for the hints of timeouts");
			}
		}).start();
	}

	@Override
	public void close() {
		this.closed = true;
		ResponderDirectory directory = this.own;
		if (directory != null) {
			directory.close();
		}
	}

}
