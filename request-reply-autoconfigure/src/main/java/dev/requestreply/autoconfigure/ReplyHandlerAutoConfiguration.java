package dev.requestreply.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.handler.ReplyHandlerBeanPostProcessor;
import dev.requestreply.handler.ReplyHandlerContainerCustomizer;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerIdempotency;
import dev.requestreply.handler.ReplyHandlerPolicy;
import dev.requestreply.handler.ReplyOptions;
import dev.requestreply.responder.ResponderClients;
import dev.requestreply.responder.ResponderContainers;
import dev.requestreply.responder.ResponderSettings;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
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
	@ConditionalOnMissingBean(ReplyHandlerContainers.class)
	ResponderContainers replyHandlerContainers(ReplyHandlerBeanPostProcessor discoverer,
			RequestReplyKafkaClients clients, PayloadConverter converter, RequestReplyProperties properties,
			Environment environment, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<ReplyHandlerContainerCustomizer> customizers, ObjectProvider<TaskDecorator> taskDecorator) {
		ResponderClients responderClients = new ResponderClients(clients.getHandlerConsumerFactory(),
				clients.getKafkaTemplate(), clients.getTransactionalProducerFactory(), clients.getAdminConfig());
		return new ResponderContainers(discoverer, responderClients, converter, settings(properties, environment),
				RequestReplyAutoConfiguration.observationRegistry(properties, observationRegistry)
					.orElse(ObservationRegistry.NOOP),
				customizers.orderedStream().toList(), taskDecorator.getIfUnique());
	}

	static ResponderSettings settings(RequestReplyProperties properties, Environment environment) {
		RequestReplyProperties.Handler handler = properties.getHandler();
		// The application's own reply topic is always a valid address for its own handlers.
		List<String> allowedReplyTopics = new ArrayList<>(handler.getAllowedReplyTopics());
		allowedReplyTopics.add(RequestReplyAutoConfiguration.replyTopic(properties, environment));
		ReplyHandlerPolicy policy = new ReplyHandlerPolicy(allowedReplyTopics,
				(int) Math.min(Integer.MAX_VALUE, handler.getMaxRequestSize().toBytes()),
				(int) Math.min(Integer.MAX_VALUE, handler.getMaxCorrelationIdSize().toBytes()));
		RequestReplyProperties.Idempotency idempotency = handler.getIdempotency();
		return new ResponderSettings(groupId(properties, environment), handler.getConcurrency(),
				handler.getMaxConcurrency(), handler.getMaxHandlingTime(), handler.getMaxInHand(),
				handler.getCommitInterval(), handler.getShutdownTimeout(), handler.getOffsetMetadataMaxBytes(), policy,
				new ReplyHandlerIdempotency(idempotency.isEnabled(), idempotency.getMaxEntries(),
						idempotency.getWindow()),
				Threading.VIRTUAL.isActive(environment), handler.getTransactionTimeout(),
				new ResponderSettings.Queue(handler.isQueue(), handler.getQueueConsumers(), handler.getQueueHistory()),
				new ReplyOptions(handler.isResponderHeaders(), handler.getCorrelationIdHeader(),
						handler.getReplyTopicHeader(), handler.getReplyPartitionHeader(), null),
				handler.getRevokeGrace());
	}

	static String groupId(RequestReplyProperties properties, Environment environment) {
		if (StringUtils.hasText(properties.getHandler().getGroupId())) {
			return properties.getHandler().getGroupId();
		}
		String applicationName = environment.getProperty("spring.application.name");
		return StringUtils.hasText(applicationName) ? applicationName : "request-reply-handlers";
	}

}
