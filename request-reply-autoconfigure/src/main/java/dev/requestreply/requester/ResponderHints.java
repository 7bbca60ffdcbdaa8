package dev.requestreply.requester;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.requestreply.support.LoopThreads;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Tells, for the message of a request that timed out, whether its topic is known to have no
 * responder (no consumer or share group reads it): from the {@link ResponderDirectory} that
 * {@code request-reply.fail-fast-without-responders} runs or, when it is off, from one started on
 * the first timeout, which looks the groups up only as timeouts ask. Never waits: while the
 * answer is not known, it says nothing.
 */
final class ResponderHints implements AutoCloseable {

	/**
	 * How often its own directory may look up, as timeouts ask; an answer older than three times
	 * this is not used.
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
	 * @param start starts a directory for the hints alone, on the first timeout without one
	 * @param threads the kind of thread it starts on
	 */
	ResponderHints(@Nullable ResponderDirectory checking, Supplier<ResponderDirectory> start, LoopThreads threads) {
		this.checking = checking;
		this.start = start;
		this.threads = threads;
	}

	/**
	 * Return what to add to the message of a request to this topic that timed out.
	 * @param topic the request's topic
	 * @return the hint, or {@code null} when the topic may have a responder or nothing is known
	 */
	@Nullable String timeoutHint(String topic) {
		ResponderDirectory directory = (this.checking != null) ? this.checking : this.own;
		if (directory == null) {
			startOwn();
			return null;
		}
		return directory.knownUnserved(topic) ? "no consumer or share group reads topic '" + topic
				+ "' (request-reply.fail-fast-without-responders fails such requests at once)" : null;
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
