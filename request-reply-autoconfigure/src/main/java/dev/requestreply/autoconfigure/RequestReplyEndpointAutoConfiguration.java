package dev.requestreply.autoconfigure;

import dev.requestreply.CorrelationRegistry;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.actuate.RequestReplyEndpoint;
import dev.requestreply.actuate.RequestReplyTopicStatistics;
import dev.requestreply.durable.DurableRequests;
import dev.requestreply.handler.ReplyHandlerContainers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code requestreply} actuator endpoint.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { RequestReplyAutoConfiguration.class, ReplyHandlerAutoConfiguration.class,
		DurableRequestsAutoConfiguration.class })
// Both jars: the endpoint annotations, and the condition below from the actuator's auto-configuration.
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(RequestReplyTemplate.class)
@ConditionalOnAvailableEndpoint(RequestReplyEndpoint.class)
@EnableConfigurationProperties(RequestReplyProperties.class)
public final class RequestReplyEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RequestReplyTopicStatistics requestReplyTopicStatistics(CorrelationRegistry registry) {
		RequestReplyTopicStatistics statistics = new RequestReplyTopicStatistics();
		registry.addEngineListener(statistics);
		return statistics;
	}

	@Bean
	@ConditionalOnMissingBean
	RequestReplyEndpoint requestReplyEndpoint(RequestReplyTemplate template,
			RequestReplyTopicStatistics topicStatistics, ObjectProvider<ReplyHandlerContainers> handlerContainers,
			RequestReplyProperties properties, ObjectProvider<DurableRequests> durable) {
		return new RequestReplyEndpoint(template, topicStatistics, handlerContainers.getIfUnique(),
				properties.getEndpoint().getMaxOldest(), durable.getIfUnique());
	}

}
