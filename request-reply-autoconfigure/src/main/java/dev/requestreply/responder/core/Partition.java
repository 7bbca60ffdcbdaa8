package dev.requestreply.responder.core;

/**
 * A partition of a request topic, as the core knows it (the Kafka side maps it to its
 * {@code TopicPartition}).
 *
 * @param topic the topic
 * @param number the partition's number
 */
public record Partition(String topic, int number) {

	@Override
	public String toString() {
		return this.topic + "-" + this.number;
	}

}
