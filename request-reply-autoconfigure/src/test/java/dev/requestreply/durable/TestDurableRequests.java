package dev.requestreply.durable;

import java.time.Duration;
import java.util.Map;

import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;
import dev.requestreply.convert.PayloadConverter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.mock.env.MockEnvironment;

/**
 * Durable requests of an application {@code orders}, never started (no broker needed).
 */
public final class TestDurableRequests {

	private TestDurableRequests() {
	}

	/**
	 * Return durable requests without listeners.
	 * @return the durable requests; destroy them after use
	 */
	public static DurableRequests withoutListeners() {
		return create(new DurableListeners());
	}

	/**
	 * Return durable requests with listeners of kinds {@code report} and {@code invoice}.
	 * @return the durable requests; destroy them after use
	 */
	public static DurableRequests withReportAndInvoiceListeners() {
		DurableListeners listeners = new DurableListeners();
		listeners.setEnvironment(new MockEnvironment().withProperty("spring.application.name", "orders"));
		listeners.postProcessAfterInitialization(new Listeners(), "listeners");
		return create(listeners);
	}

	private static DurableRequests create(DurableListeners listeners) {
		return new DurableRequests(
				new DurableSettings("orders-durable-replies", "orders-durable-pending", "orders-durable", true, 6,
						(short) -1, Duration.ofHours(1), Duration.ofSeconds(30), Map.of()),
				listeners, new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of())),
				new DefaultKafkaConsumerFactory<>(Map.of()), Map.of(),
				new PayloadConverter(JsonMapper.builder().build()));
	}

	static class Listeners {

		@DurableReplyListener("report")
		void onReport(DurableOutcome<String> outcome) {
		}

		@DurableReplyListener("invoice")
		void onInvoice(DurableOutcome<Integer> outcome) {
		}

	}

}
