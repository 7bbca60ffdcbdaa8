package dev.requestreply.requester;

import java.util.List;

import dev.requestreply.NoResponderException;
import dev.requestreply.ReplyPathDownException;
import org.jspecify.annotations.Nullable;

/**
 * The one place a request is refused before it is registered or sent, and counted: when its reply
 * could not arrive (the reply consumer does not run, has had no answer from the broker for too
 * long, or is not authorized to read the reply topic: {@link ReplyPathDownException}) and, when
 * asked for, when a topic has no responder ({@link NoResponderException}). Open while the engine
 * runs.
 */
final class RequestGate {

	private final PendingRequests registry;

	private final String replyTopic;

	private volatile @Nullable Open open;

	RequestGate(PendingRequests registry, String replyTopic) {
		this.registry = registry;
		this.replyTopic = replyTopic;
	}

	/**
	 * Let requests through while these readers can read.
	 * @param listener the reply consumers
	 * @param replyPath the monitor of their progress
	 * @param responders the directory of served topics, or {@code null} to let requests wait for
	 * a responder
	 * @param hints what the messages of timeouts say of their topics' responders
	 */
	void open(ReplyListener listener, ReplyPathMonitor replyPath, @Nullable ResponderDirectory responders,
			ResponderHints hints) {
		this.registry.ends().timeoutHints(hints::timeoutHint);
		this.open = new Open(listener, replyPath, responders, hints);
	}

	/**
	 * A request was registered and sent to these topics (for the hints of timeouts).
	 * @param topics the topics of the request
	 */
	void sent(List<String> topics) {
		Open current = this.open;
		if (current != null) {
			current.hints().sent(topics);
		}
	}

	/**
	 * Refuse every request from now on.
	 */
	void close() {
		Open current = this.open;
		this.open = null;
		if (current != null) {
			current.hints().close();
			if (current.responders() != null) {
				current.responders().close();
			}
		}
	}

	/**
	 * Return why no reply could arrive now.
	 * @return the reason, or {@code null} when replies can arrive
	 */
	@Nullable String refusalReason() {
		String problem = replyPathProblem(this.open);
		return (problem != null) ? "reply consumer of '" + this.replyTopic + "' " + problem : null;
	}

	private static @Nullable String replyPathProblem(@Nullable Open current) {
		if (current == null) {
			return "is not running";
		}
		String problem = current.replyPath().problem();
		if (problem == null && current.listener().isDenied()) {
			problem = "is not authorized to read it: " + current.listener().denial();
		}
		return problem;
	}

	/**
	 * Let a request to the given topics through, or refuse it, counted by its reason.
	 * @param topics the topics of the request
	 * @throws ReplyPathDownException if no reply could arrive
	 * @throws NoResponderException if a topic has no responder
	 */
	void check(List<String> topics) {
		Open current = this.open;
		String problem = replyPathProblem(current);
		if (problem != null) {
			this.registry.figures().failedFast(FastFailure.REPLY_PATH_DOWN);
			throw new ReplyPathDownException(this.replyTopic, problem);
		}
		ResponderDirectory responders = (current != null) ? current.responders() : null;
		if (responders != null) {
			try {
				responders.check(topics);
			}
			catch (NoResponderException ex) {
				this.registry.figures().failedFast(FastFailure.NO_RESPONDER);
				throw ex;
			}
		}
	}

	private record Open(ReplyListener listener, ReplyPathMonitor replyPath, @Nullable ResponderDirectory responders,
			ResponderHints hints) {

	}

}
