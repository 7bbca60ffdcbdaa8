package dev.requestreply;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer interceptor that holds, at {@link #GATE}, the poll of a consumer that returns records
 * of a durable pending topic (a name with {@code durable-pending} in it): while the gate is held, a
 * restore cannot end. Give it to an application with
 * {@code request-reply.handler.consumer-properties.interceptor.classes=dev.requestreply.TestRestoreGate}.
 */
public final class TestRestoreGate implements ConsumerInterceptor<byte[], byte[]> {

	/**
	 * The gate; open unless a test holds it.
	 */
	public static final TestGate GATE = new TestGate();

	@Override
	public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
		if (records.partitions().stream().anyMatch((partition) -> partition.topic().contains("durable-pending"))) {
			try {
				GATE.pass();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return records;
	}

	@Override
	public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
	}

	@Override
	public void close() {
	}

	@Override
	public void configure(Map<String, ?> configs) {
	}

}
