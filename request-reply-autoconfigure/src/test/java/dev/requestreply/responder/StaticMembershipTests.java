package dev.requestreply.responder;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties;

import static org.assertj.core.api.Assertions.assertThat;

class StaticMembershipTests {

	@Test
	void whenHandlersAreStaticMembersThenEachHandlersContainerHasAnInstanceIdOfItsOwn() {
		ContainerProperties quotes = new ContainerProperties("quotes");
		ContainerProperties orders = new ContainerProperties("orders");
		Map<String, Object> config = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "pricing-7");
		StaticMembership.apply(quotes, config, "pricing.quote");
		StaticMembership.apply(orders, config, "orders.place");
		// Spring Kafka adds each consumer's suffix (-0, -1, ...) to it.
		assertThat(quotes.getKafkaConsumerProperties().getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
			.isEqualTo("pricing-7.pricing.quote");
		assertThat(orders.getKafkaConsumerProperties().getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
			.isEqualTo("pricing-7.orders.place");
	}

	@Test
	void whenNoInstanceIdIsSetThenTheContainerHasNone() {
		ContainerProperties quotes = new ContainerProperties("quotes");
		StaticMembership.apply(quotes, Map.of(), "pricing.quote");
		assertThat(quotes.getKafkaConsumerProperties()).doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
	}

}
