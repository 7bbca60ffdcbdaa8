package dev.requestreply.autoconfigure;

import java.util.Map;

import dev.requestreply.handler.ReplyHandlerPolicy;
import dev.requestreply.handler.ReplyTopicPolicy;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binding of the reply address settings of {@link RequestReplyProperties}.
 */
class RequestReplySecurityPropertiesTests {

	private static RequestReplyProperties bind(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values))
			.bindOrCreate("request-reply", Bindable.of(RequestReplyProperties.class));
	}

	@Test
	void whenNothingSetThenOnlyReplyLikeTopicsAreAllowedEverywhere() {
		assertThat(bind(Map.of()).getHandler().getAllowedReplyTopics()).containsExactly("*-replies", "*.replies")
			.isEqualTo(ReplyTopicPolicy.DEFAULT_PATTERNS)
			.isEqualTo(ReplyHandlerPolicy.DEFAULT.allowedReplyTopics());
	}

	@Test
	void whenSetThenTheDefaultsAreReplaced() {
		assertThat(bind(Map.of("request-reply.handler.allowed-reply-topics", "orders.responses,*-replies"))
			.getHandler()
			.getAllowedReplyTopics()).containsExactly("orders.responses", "*-replies");
	}

}
