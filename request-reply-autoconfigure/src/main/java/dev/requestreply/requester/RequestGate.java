package dev.requestreply.requester;

import java.util.List;

import dev.requestreply.NoResponderException;
import dev.requestreply.ReplyPathDownException;
import dev.requestreply.correlation.FastFailure;
import dev.requestreply.correlation.PendingRequests;

/**
 * Lets a request through only when its reply can arrive: the reply consumer reads and, when
 * asked for, each of its topics has a responder. A request refused here is counted and never
 * registered or sent.
 *
 * @since 0.2.0
 */
public final class RequestGate implements AutoCloseable {

	private final ReplyPathMonitor replyPath;

	private final ResponderDirectory responders;

	private final PendingRequests registry;

	private final String replyTopic;

	/**
	 * Create a gate.
	 * @param replyPath the monitor of the reply consumer
	 * @param responders the directory of served topics, or {@code null} to let requests wait for
	 * a responder
	 * @param registry where refusals are counted
	 * @param replyTopic the reply topic, for messages
	 */
	public RequestGate(ReplyPathMonitor replyPath, ResponderDirectory responders, PendingRequests registry,
			String replyTopic) {
		this.replyPath = replyPath;
		this.responders = responders;
		this.registry = registry;
		this.replyTopic = replyTopic;
	}

	/**
	 * Return why the reply path is down.
	 * @return the reason, or {@code null} when replies can arrive
	 */
	public String replyPathProblem() {
		String problem = this.replyPath.problem();
		return (problem != null) ? "reply consumer of '" + this.replyTopic + "' " + problem : null;
	}

	/**
	 * Let a request to the given topics through, or refuse it.
	 * @param topics the topics of the request
	 * @throws ReplyPathDownException if the reply consumer cannot read
	 * @throws NoResponderException if a topic has no responder
	 */
	public void check(List<String> topics) {
		String problem = this.replyPath.problem();
		if (problem != null) {
			this.registry.failedFast(FastFailure.REPLY_PATH_DOWN);
			throw new ReplyPathDownException(this.replyTopic, problem);
		}
		if (this.responders != null) {
			try {
				this.responders.check(topics);
			}
			catch (NoResponderException ex) {
				this.registry.failedFast(FastFailure.NO_RESPONDER);
				throw ex;
			}
		}
	}

	@Override
	public void close() {
		if (this.responders != null) {
			this.responders.close();
		}
	}

}
