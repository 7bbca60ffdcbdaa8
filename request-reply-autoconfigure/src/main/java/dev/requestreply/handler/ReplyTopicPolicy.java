package dev.requestreply.handler;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.PatternMatchUtils;

/**
 * Which topics a {@link dev.requestreply.ReplyHandler @ReplyHandler} may write replies to, whatever
 * a request's {@code kafka_replyTopic} header says. Whoever can write a request chooses that
 * header, so a responder that followed it blindly would write into any topic its own principal may
 * write to. Never allowed: Kafka's internal topics ({@code __*}) and the topics this application's
 * handlers serve (a reply there would be read as a request: a loop). Otherwise a topic is allowed
 * when it matches one of the patterns, by default {@value #DEFAULT_REPLIES_SUFFIX_PATTERN} and
 * {@value #DEFAULT_REPLIES_DOT_PATTERN}: the names request-reply gives its reply topics, and the
 * usual names of other clients' reply topics.
 *
 * @since 0.2.0
 */
public final class ReplyTopicPolicy {

	/**
	 * Default pattern of reply topics named with a dash, such as request-reply's own
	 * {@code <application>-replies}.
	 */
	public static final String DEFAULT_REPLIES_SUFFIX_PATTERN = "*-replies";

	/**
	 * Default pattern of reply topics named with a dot.
	 */
	public static final String DEFAULT_REPLIES_DOT_PATTERN = "*.replies";

	/**
	 * The default patterns of allowed reply topics.
	 */
	public static final List<String> DEFAULT_PATTERNS = List.of(DEFAULT_REPLIES_SUFFIX_PATTERN,
			DEFAULT_REPLIES_DOT_PATTERN);

	private final String[] patterns;

	private final Set<String> servedTopics;

	/**
	 * Create a policy.
	 * @param patterns patterns ({@code *} wildcards) of allowed reply topics; none allows no topic
	 * @param servedTopics the topics the application's handlers read requests from, never allowed
	 */
	public ReplyTopicPolicy(Collection<String> patterns, Collection<String> servedTopics) {
		Assert.notNull(patterns, "'patterns' must not be null");
		Assert.notNull(servedTopics, "'servedTopics' must not be null");
		this.patterns = patterns.toArray(String[]::new);
		this.servedTopics = Set.copyOf(servedTopics);
	}

	/**
	 * Return why replies may not be sent to the given topic, or {@code null} when they may.
	 * @param topic the reply topic a request names
	 * @return the reason of a refusal, or {@code null}
	 */
	public @Nullable String refusal(String topic) {
		Assert.notNull(topic, "'topic' must not be null");
		if (topic.startsWith("__")) {
			return "'" + topic + "' is an internal topic of Kafka";
		}
		if (this.servedTopics.contains(topic)) {
			return "'" + topic + "' is a request topic of this application's handlers";
		}
		if (!PatternMatchUtils.simpleMatch(this.patterns, topic)) {
			return "'" + topic + "' matches none of request-reply.handler.allowed-reply-topics "
					+ List.of(this.patterns);
		}
		return null;
	}

}
