package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;

import dev.requestreply.handler.ReplyHandlerIdempotency;
import dev.requestreply.handler.ReplyHandlerPolicy;
import dev.requestreply.handler.ReplyTopicPolicy;

/**
 * Handler settings for tests that build the engine without Spring Boot: the properties'
 * defaults.
 */
final class TestSettings {

	static final ResponderSettings DEFAULTS = new ResponderSettings("test", 1, 64, Duration.ofMinutes(5), 1000,
			Duration.ofMillis(100), Duration.ofSeconds(10), 4096,
			new ReplyHandlerPolicy(List.copyOf(ReplyTopicPolicy.DEFAULT_PATTERNS), 1024 * 1024, 256),
			ReplyHandlerIdempotency.DEFAULT, false, Duration.ofSeconds(10));

	private TestSettings() {
	}

}
