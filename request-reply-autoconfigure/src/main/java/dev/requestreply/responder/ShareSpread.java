package dev.requestreply.responder;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Whether a queue handler's instances can share each of its requests. Kafka's share assignor
 * gives each partition of a share group's topics to {@code ceil(members / partitions)} of its
 * members, with no regard to the instance they belong to, and keeps an assignment once made: on
 * more than one partition, a partition's members can all sit in one instance, which then takes
 * all of that partition's requests, and when it dies nobody reads the partition until the dead
 * members' share session ends. On one partition every member of every instance reads it.
 */
final class ShareSpread {

	/**
	 * The broker's default {@code group.share.session.timeout.ms}, also its default minimum.
	 */
	static final int DEFAULT_SESSION_SECONDS = 45;

	private ShareSpread() {
	}

	/**
	 * Return the warning for a queue handler whose instances may not share every partition.
	 * @param handlerId the handler
	 * @param topics its topics
	 * @param partitions the partitions of its topics together
	 * @param consumers its share consumers per instance
	 * @param setting where the number of share consumers comes from
	 * @return the warning, or {@code null} on one partition
	 */
	static @Nullable String warning(String handlerId, List<String> topics, int partitions, int consumers,
			String setting) {
		if (partitions <= 1) {
			return null;
		}
		String fewer = (consumers < partitions) ? " With fewer share consumers per instance than partitions, each "
				+ "instance misses some partitions whatever the assignment." : "";
		return "Queue handler '" + handlerId + "' reads " + partitions + " partitions of " + topics + " with "
				+ consumers + " share consumers per instance (" + setting + "). Kafka's share assignor gives each "
				+ "partition to some of the share group's members with no regard to their instance, so a partition's "
				+ "members can all sit in one instance: that instance alone takes the partition's requests (an "
				+ "uneven split, a burst waiting for its threads while other instances idle), and when it dies the "
				+ "partition's requests wait for the dead members' share session (group.share.session.timeout.ms, "
				+ DEFAULT_SESSION_SECONDS + " s by default)." + fewer + " Give a queue handler's topics one "
				+ "partition: every share consumer of every instance then reads it";
	}

}
