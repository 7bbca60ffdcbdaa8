package dev.requestreply.requester;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;

import org.springframework.core.log.LogAccessor;

/**
 * One look at the cluster's groups for the {@link ResponderDirectory}: whether the broker lists
 * them all to this principal, the listing, and the descriptions of the groups the knowledge says
 * to describe. Used by the directory's one thread.
 */
final class ResponderLookup {

	private static final LogAccessor logger = new LogAccessor(ResponderLookup.class);

	private static final Set<GroupType> GROUP_TYPES = Set.of(GroupType.CLASSIC, GroupType.CONSUMER,
			GroupType.SHARE);

	private final Admin admin;

	private final Duration lookupTimeout;

	private boolean warnedFiltered;

	ResponderLookup(Admin admin, Duration timeout) {
		this.admin = admin;
		this.lookupTimeout = timeout;
	}

	/**
	 * Look the groups up once: list them all, describe those the knowledge says, and learn what
	 * they serve.
	 * @param groups what is known of the groups, updated
	 * @param asked the topics requests were sent to lately
	 * @param everyGroup whether to describe every group
	 * @param now the time, in nanoseconds
	 * @return the answer
	 * @throws Exception if the broker could not answer in time
	 */
	Answer lookUp(ResponderGroups groups, Set<String> asked, boolean everyGroup, long now) throws Exception {
		long timeout = this.lookupTimeout.toMillis();
		boolean complete = seesEveryGroup(timeout);
		Collection<GroupListing> listings = this.admin
			.listGroups(new ListGroupsOptions().withTypes(GROUP_TYPES))
			.all()
			.get(timeout, TimeUnit.MILLISECONDS);
		Map<String, GroupState> listed = new HashMap<>();
		Set<String> shareGroups = new HashSet<>();
		for (GroupListing listing : listings) {
			listed.put(listing.groupId(), listing.groupState().orElse(null));
			if (listing.type().filter((type) -> type == GroupType.SHARE).isPresent()) {
				shareGroups.add(listing.groupId());
			}
		}
		Set<String> describe = groups.toDescribe(listed, asked, everyGroup, now);
		listed.forEach((id, state) -> {
			if (!describe.contains(id)) {
				groups.listed(id, state);
			}
		});
		List<String> consumerGroups = new ArrayList<>();
		List<String> shares = new ArrayList<>();
		describe.forEach((id) -> ((shareGroups.contains(id)) ? shares : consumerGroups).add(id));
		if (!consumerGroups.isEmpty()) {
			for (ConsumerGroupDescription group : this.admin.describeConsumerGroups(consumerGroups)
				.all()
				.get(timeout, TimeUnit.MILLISECONDS)
				.values()) {
				Set<String> topics = new HashSet<>();
				for (MemberDescription member : group.members()) {
					addTopics(topics, member.assignment().topicPartitions());
					member.targetAssignment().ifPresent((target) -> addTopics(topics, target.topicPartitions()));
				}
				groups.described(group.groupId(), group.groupState(), group.members().size(), topics, now);
			}
		}
		if (!shares.isEmpty()) {
			for (ShareGroupDescription group : this.admin.describeShareGroups(shares)
				.all()
				.get(timeout, TimeUnit.MILLISECONDS)
				.values()) {
				Set<String> topics = new HashSet<>();
				for (ShareMemberDescription member : group.members()) {
					addTopics(topics, member.assignment().topicPartitions());
				}
				groups.described(group.groupId(), group.groupState(), group.members().size(), topics, now);
			}
		}
		return new Answer(complete ? groups.served() : null, System.nanoTime(), describe.size(),
				listed.size());
	}

	// The broker lists only the groups a principal may describe unless it may describe the cluster:
	// then a group it cannot see might serve any topic.
	private boolean seesEveryGroup(long timeout) throws Exception {
		Set<AclOperation> operations = this.admin
			.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
			.authorizedOperations()
			.get(timeout, TimeUnit.MILLISECONDS);
		// No authorizer on the broker: it says nothing, and lists every group.
		boolean complete = operations == null || operations.contains(AclOperation.DESCRIBE)
				|| operations.contains(AclOperation.ALTER) || operations.contains(AclOperation.ALL);
		if (!complete && !this.warnedFiltered) {
			this.warnedFiltered = true;
			logger.warn("request-reply.fail-fast-without-responders cannot see every consumer group: this"
					+ " application's principal may not DESCRIBE the cluster, so the broker lists only the groups it may"
					+ " describe. Every topic counts as served (requests wait for their timeout); grant DESCRIBE on"
					+ " the cluster to fail fast");
		}
		return complete;
	}

	private static void addTopics(Set<String> topics, Collection<TopicPartition> partitions) {
		for (TopicPartition partition : partitions) {
			topics.add(partition.topic());
		}
	}

	/**
	 * One lookup's answer.
	 *
	 * @param served the topics served, or {@code null} when every topic counts as served
	 * @param answeredNanos when it was answered
	 * @param described how many groups it described
	 * @param listed how many groups were listed
	 */
	record Answer(Set<String> served, long answeredNanos, int described, int listed) {

		boolean serves(String topic) {
			return this.served == null || this.served.contains(topic);
		}

	}

}
