package dev.requestreply.test;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import dev.requestreply.handler.ReplyHandlerContainers;

/**
 * Beans that {@link EmbeddedRequestReply} adds to a test's context.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddedRequestReplyConfiguration {

	@Bean
	@Lazy
	ReplyHandlerClient replyHandlerClient(KafkaConnectionDetails connectionDetails,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new ReplyHandlerClient(String.join(",", connectionDetails.getBootstrapServers()),
				jsonMapper.getIfAvailable(ReplyHandlerClient::defaultJsonMapper));
	}

	@Bean
	ReplyHandlersAssigned replyHandlersAssigned(ObjectProvider<ReplyHandlerContainers> containers) {
		return new ReplyHandlersAssigned(containers);
	}

}
