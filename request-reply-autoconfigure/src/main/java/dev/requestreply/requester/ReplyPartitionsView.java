package dev.requestreply.requester;

import java.util.List;

/**
 * The reply partitions of one instance, as shown by the endpoint.
 *
 * @param mode how partitions are allotted
 * @param owned the partitions allotted to this instance, named in its requests
 * @param read the partitions it reads: those owned, and others on which its replies may still come
 * @param shared whether it owns none because more instances than partitions read the topic, so it
 * reads them all
 * @since 0.2.0
 */
public record ReplyPartitionsView(ReplyPartitionMode mode, List<Integer> owned, List<Integer> read,
		boolean shared) {

}
