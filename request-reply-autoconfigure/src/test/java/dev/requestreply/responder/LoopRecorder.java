package dev.requestreply.responder;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.responder.core.RecordedReplay;
import dev.requestreply.responder.core.ResponderAction;
import dev.requestreply.responder.core.ResponderEvent;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/**
 * Records the events the event loop of a served handler takes, for broker tests outside this
 * package, which replay them through the simulation's checks.
 */
public final class LoopRecorder {

	private LoopRecorder() {
	}

	/**
	 * Record, from now on, the events the loop of a handler takes.
	 * @param containers the application's handler containers
	 * @param handlerId the handler's id
	 * @return the events, filled as the loop takes them
	 */
	public static List<ResponderEvent> record(ReplyHandlerContainers containers, String handlerId) {
		ServedHandler handler = Objects.requireNonNull(((ResponderContainers) containers).served(handlerId),
				handlerId);
		HandlerCore core = Objects.requireNonNull(handler.core(), "The handler has no event loop");
		List<ResponderEvent> events = new CopyOnWriteArrayList<>();
		// What the loop took before: the partitions its consumers own now.
		Collection<TopicPartition> owned = Objects.requireNonNull(handler.container()).getAssignedPartitions();
		for (TopicPartition partition : (owned != null) ? owned : List.<TopicPartition>of()) {
			events.add(new ResponderEvent.Assigned(HandlerCore.of(partition), 0, null));
		}
		core.loop().recordTo(events::add);
		return events;
	}

	/**
	 * Replay recorded events through the simulation's checks, once the loop caught up.
	 * @return how many steps were replayed
	 * @throws AssertionError at the first invariant broken, with the events
	 */
	public static int replay(ReplyHandlerContainers containers, String handlerId, List<ResponderEvent> events) {
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> caughtUp(containers, handlerId));
		ServedHandler handler = Objects.requireNonNull(((ResponderContainers) containers).served(handlerId));
		return RecordedReplay.replay(handler.endpoint().ordering(), Objects.requireNonNull(handler.core()).maxMetadataChars(), List.copyOf(events));
	}

	/**
	 * Replay recorded events through the simulation's checks, once the loop caught up, and return
	 * the last commit its core decided for each partition (the core decides the same again).
	 * @return the offset and metadata of each, by partition
	 * @throws AssertionError at the first invariant broken, with the events
	 */
	public static Map<TopicPartition, OffsetAndMetadata> decided(ReplyHandlerContainers containers, String handlerId,
			List<ResponderEvent> events) {
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> caughtUp(containers, handlerId));
		ServedHandler handler = Objects.requireNonNull(((ResponderContainers) containers).served(handlerId));
		Map<TopicPartition, OffsetAndMetadata> decided = new HashMap<>();
		RecordedReplay.lastCommits(handler.endpoint().ordering(),
				Objects.requireNonNull(handler.core()).maxMetadataChars(), List.copyOf(events))
			.forEach((partition, commit) -> decided.put(new TopicPartition(partition.topic(), partition.number()),
					new OffsetAndMetadata(commit.offset(), commit.metadata())));
		return decided;
	}

	/**
	 * Replay recorded events through the simulation's checks, once the loop caught up, and return
	 * the actions its core decided (the core decides the same again).
	 * @return the actions, in order
	 * @throws AssertionError at the first invariant broken, with the events
	 */
	public static List<ResponderAction> actions(ReplyHandlerContainers containers, String handlerId,
			List<ResponderEvent> events) {
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> caughtUp(containers, handlerId));
		ServedHandler handler = Objects.requireNonNull(((ResponderContainers) containers).served(handlerId));
		return RecordedReplay.actions(handler.endpoint().ordering(),
				Objects.requireNonNull(handler.core()).maxMetadataChars(), List.copyOf(events));
	}

	/**
	 * Return whether the loop of a handler has processed every event posted to it.
	 */
	public static boolean caughtUp(ReplyHandlerContainers containers, String handlerId) {
		return containers.getLoopLags().getOrDefault(handlerId, Duration.ZERO).isZero();
	}

}
