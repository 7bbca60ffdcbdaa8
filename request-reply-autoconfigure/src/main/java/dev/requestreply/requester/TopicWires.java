package dev.requestreply.requester;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.requestreply.wire.HeaderNames;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The header names of each request topic: Spring Kafka's unless the topic's responders use names
 * of their own (a {@code @KafkaListener} whose container factory sets another correlation header
 * name, say). Requests and cancel records to a topic are written under its names; a reply, on
 * the one reply topic all topics share, is read under every correlation id name in use.
 */
final class TopicWires {

	private final Map<String, WireFormat> byTopic;

	private final List<WireFormat> replyFormats;

	/**
	 * Create the wires of the given topics; every other topic has Spring Kafka's names.
	 * @param names the names of each topic that has names of its own
	 */
	TopicWires(Map<String, HeaderNames> names) {
		Map<String, WireFormat> byTopic = new HashMap<>();
		names.forEach((topic, topicNames) -> byTopic.put(topic, new WireFormat(topicNames)));
		this.byTopic = Map.copyOf(byTopic);
		Set<String> correlationNames = new LinkedHashSet<>();
		List<WireFormat> formats = new ArrayList<>();
		formats.add(WireFormat.standard());
		correlationNames.add(HeaderNames.DEFAULT.correlationId());
		for (HeaderNames topicNames : names.values()) {
			if (correlationNames.add(topicNames.correlationId())) {
				formats.add(new WireFormat(topicNames));
			}
		}
		this.replyFormats = List.copyOf(formats);
	}

	/**
	 * Return the codec of a request topic.
	 * @param topic the topic
	 * @return its codec
	 */
	WireFormat of(String topic) {
		return this.byTopic.getOrDefault(topic, WireFormat.standard());
	}

	/**
	 * Return the correlation id of a reply, under whichever name in use it carries one.
	 * @param headers the reply's headers
	 * @return the bytes, or {@code null} without a correlation id under any of the names
	 */
	byte @Nullable [] correlationId(Headers headers) {
		for (WireFormat format : this.replyFormats) {
			byte[] id = format.correlationId(headers);
			if (id != null) {
				return id;
			}
		}
		return null;
	}

}
