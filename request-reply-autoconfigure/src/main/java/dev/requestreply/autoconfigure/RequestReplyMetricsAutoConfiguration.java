package dev.requestreply.autoconfigure;

import dev.requestreply.CorrelationRegistry;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.durable.DurableRequests;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.observation.CompletionThreadsMeterBinder;
import dev.requestreply.observation.DurableRequestsMeterBinder;
import dev.requestreply.observation.ReplyPartitionsMeterBinder;
import dev.requestreply.observation.RequestReplyMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of request-reply's Micrometer meters.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { RequestReplyAutoConfiguration.class, ReplyHandlerAutoConfiguration.class,
		DurableRequestsAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, RequestReplyKafkaClients.class })
@EnableConfigurationProperties(RequestReplyProperties.class)
public final class RequestReplyMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RequestReplyMeterBinder requestReplyMeterBinder(ObjectProvider<CorrelationRegistry> registry,
			ObjectProvider<ReplyHandlerContainers> handlerContainers, RequestReplyProperties properties) {
		RequestReplyMeterBinder binder = new RequestReplyMeterBinder(registry.getIfUnique(),
				handlerContainers.getIfUnique());
		binder.setPercentileHistogram(properties.getMetrics().isPercentileHistogram());
		return binder;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RequestReplyTemplate.class)
	ReplyPartitionsMeterBinder requestReplyPartitionsMeterBinder(RequestReplyTemplate template) {
		return new ReplyPartitionsMeterBinder(template);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(DurableRequests.class)
	DurableRequestsMeterBinder requestReplyDurableMeterBinder(DurableRequests durable) {
		return new DurableRequestsMeterBinder(durable);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RequestReplyTemplate.class)
	CompletionThreadsMeterBinder requestReplyCompletionThreadsMeterBinder(RequestReplyTemplate template) {
		return new CompletionThreadsMeterBinder(template);
	}

}
