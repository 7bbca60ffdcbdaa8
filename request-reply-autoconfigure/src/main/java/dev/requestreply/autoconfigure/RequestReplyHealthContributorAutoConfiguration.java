package dev.requestreply.autoconfigure;

import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.actuate.DurableRequestsHealthIndicator;
import dev.requestreply.actuate.RequestReplyHealthIndicator;
import dev.requestreply.durable.DurableRequests;
import dev.requestreply.handler.ReplyHandlerContainers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code requestreply} health indicator.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { RequestReplyAutoConfiguration.class, ReplyHandlerAutoConfiguration.class,
		DurableRequestsAutoConfiguration.class },
		beforeName = "org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(RequestReplyKafkaClients.class)
@ConditionalOnEnabledHealthIndicator("requestreply")
public final class RequestReplyHealthContributorAutoConfiguration {

	// The bean name makes the contributor's name 'requestreply', as the endpoint's id and the
	// management.health.requestreply.enabled switch.
	@Bean(name = "requestreplyHealthIndicator")
	@ConditionalOnMissingBean(name = "requestreplyHealthIndicator")
	RequestReplyHealthIndicator requestReplyHealthIndicator(ObjectProvider<RequestReplyTemplate> template,
			ObjectProvider<ReplyHandlerContainers> handlerContainers) {
		return new RequestReplyHealthIndicator(template.getIfUnique(), handlerContainers.getIfUnique());
	}

	/**
	 * Durable requests' health, contributor 'requestreplyDurable': OUT_OF_SERVICE while a durable
	 * partition restores, for the readiness group.
	 */
	@Bean(name = "requestreplyDurableHealthIndicator")
	@ConditionalOnMissingBean(name = "requestreplyDurableHealthIndicator")
	@ConditionalOnBean(DurableRequests.class)
	DurableRequestsHealthIndicator requestReplyDurableHealthIndicator(DurableRequests durable) {
		return new DurableRequestsHealthIndicator(durable);
	}

}
