package dev.requestreply.requester;

/**
 * How the instances of an application read the partitions of their shared reply topic.
 *
 * @since 0.2.0
 */
public enum ReplyPartitionMode {

	/**
	 * The instances divide the partitions among themselves through a consumer group on the reply
	 * topic (used for assignment only, never committing); each reads its own, names one of them
	 * in every request, and keeps reading a partition taken from it while requests that named it
	 * are pending.
	 */
	AUTO,

	/**
	 * Every instance reads every partition and names none; each skips the others' replies.
	 */
	ALL

}
