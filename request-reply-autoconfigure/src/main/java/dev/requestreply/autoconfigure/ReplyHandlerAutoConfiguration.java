package dev.requestreply.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.handler.HandlerTransactions;
import dev.requestreply.handler.ReplyHandlerBeanPostProcessor;
import dev.requestreply.handler.ReplyHandlerContainerCustomizer;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerIdempotency;
import dev.requestreply.handler.ReplyHandlerPolicy;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the responder side of request-reply: discovery of
 * {@link dev.requestreply.ReplyHandler @ReplyHandler} methods and their listener containers.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = RequestReplyAutoConfiguration.class)
@ConditionalOnBean(RequestReplyKafkaClients.class)
@ConditionalOnBooleanProperty(name = "request-reply.handler.enabled", matchIfMissing = true)
public final class ReplyHandlerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static ReplyHandlerBeanPostProcessor replyHandlerBeanPostProcessor() {
		return new ReplyHandlerBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	ReplyHandlerContainers replyHandlerContainers(ReplyHandlerBeanPostProcessor discoverer,
			RequestReplyKafkaClients clients, PayloadConverter converter, RequestReplyProperties properties,
			Environment environment, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<ReplyHandlerContainerCustomizer> customizers) {
		ReplyHandlerContainers containers = new ReplyHandlerContainers(discoverer,
				clients.getHandlerConsumerFactory(), clients.getKafkaTemplate(), converter,
				groupId(properties, environment), properties.getHandler().getConcurrency());
		// The application's own reply topic is always a valid address for its own handlers.
		List<String> allowedReplyTopics = new ArrayList<>(properties.getHandler().getAllowedReplyTopics());
		allowedReplyTopics.add(RequestReplyAutoConfiguration.replyTopic(properties, environment));
		containers.setPolicy(new ReplyHandlerPolicy(allowedReplyTopics,
				(int) Math.min(Integer.MAX_VALUE, properties.getHandler().getMaxRequestSize().toBytes()),
				ReplyHandlerPolicy.DEFAULT.maxCorrelationIdBytes()));
		RequestReplyProperties.Idempotency idempotency = properties.getHandler().getIdempotency();
		containers.setIdempotency(new ReplyHandlerIdempotency(idempotency.isEnabled(), idempotency.getMaxEntries(),
				idempotency.getWindow()));
		HandlerTransactions transactions = (clients.getTransactionalProducerFactory() != null)
				? new HandlerTransactions(clients.getTransactionalProducerFactory()) : null;
		containers.setTransactions(transactions);
		RequestReplyAutoConfiguration.observationRegistry(properties, observationRegistry).ifPresent((registry) -> {
			containers.setObservationRegistry(registry);
			if (transactions != null) {
				transactions.getTemplate().setObservationRegistry(registry);
				transactions.getTemplate().setObservationEnabled(true);
			}
		});
		containers.setContainerCustomizers(customizers.orderedStream().toList());
		containers.setMaxInHand(properties.getHandler().getMaxInHand());
		containers.setBatchReplies(properties.getHandler().isBatchReplies());
		return containers;
	}

	static String groupId(RequestReplyProperties properties, Environment environment) {
		if (StringUtils.hasText(properties.getHandler().getGroupId())) {
			return properties.getHandler().getGroupId();
		}
		String applicationName = environment.getProperty("spring.application.name");
		return StringUtils.hasText(applicationName) ? applicationName : "request-reply-handlers";
	}

}
