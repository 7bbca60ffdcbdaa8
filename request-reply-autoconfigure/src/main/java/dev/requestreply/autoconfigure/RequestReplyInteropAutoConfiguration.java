package dev.requestreply.autoconfigure;

import dev.requestreply.interop.RequestReplyErrorChecker;
import dev.requestreply.interop.RequestReplyListenerErrorHandler;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Auto-configuration of the pieces that carry request-reply error replies to and from Spring
 * Kafka's own request-reply: a {@link RequestReplyErrorChecker} for {@code ReplyingKafkaTemplate}
 * callers and a {@link RequestReplyListenerErrorHandler} for {@code @KafkaListener} +
 * {@code @SendTo} responders.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBooleanProperty(name = "request-reply.enabled", matchIfMissing = true)
public final class RequestReplyInteropAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RequestReplyErrorChecker requestReplyErrorChecker() {
		return new RequestReplyErrorChecker();
	}

	@Bean
	@ConditionalOnMissingBean
	RequestReplyListenerErrorHandler requestReplyListenerErrorHandler() {
		return new RequestReplyListenerErrorHandler();
	}

}
