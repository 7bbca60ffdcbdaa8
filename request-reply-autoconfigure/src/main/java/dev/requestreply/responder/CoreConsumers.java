package dev.requestreply.responder;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.requestreply.responder.core.Partition;
import dev.requestreply.responder.core.ResponderAction;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The consumers of a handler with a core, by the partitions each owns: where the core's commits,
 * pauses and resumes go, each carried out by the consumer that owns the partition, on its own
 * thread ({@link ConsumerLedgers}). Registered in the assign callback, forgotten in the revoke
 * callback once the core's last commit of the partitions was carried out.
 */
final class CoreConsumers {

	private final Map<TopicPartition, ConsumerLedgers> owners = new ConcurrentHashMap<>();

	void assigned(ConsumerLedgers owner, Collection<TopicPartition> partitions) {
		partitions.forEach((partition) -> this.owners.put(partition, owner));
	}

	void gone(ConsumerLedgers owner, Collection<TopicPartition> partitions) {
		partitions.forEach((partition) -> this.owners.remove(partition, owner));
	}

	/**
	 * Carry out a commit, pause or resume the core decided, on its loop: handed to the consumer
	 * that owns the partition (which wakes for a resume, so that it fetches again at once); none
	 * with transactions, whose consumers' ledgers decide what the transactions commit.
	 * @param action the action
	 * @param wake wakes a consumer
	 */
	void carryOut(ResponderAction action, Consumer<ConsumerLedgers> wake) {
		if (action instanceof ResponderAction.Commit commit) {
			ConsumerLedgers owner = owner(commit.partition());
			CoreCommits commits = (owner != null) ? owner.coreCommits() : null;
			if (commits != null) {
				commits.ask(of(commit.partition()), new OffsetAndMetadata(commit.offset(), commit.metadata()));
			}
		}
		else if (action instanceof ResponderAction.Pause pause) {
			ConsumerLedgers owner = owner(pause.partition());
			if (owner != null && owner.coreCommits() != null) {
				owner.pauses().metadata(of(pause.partition()), true);
			}
		}
		else if (action instanceof ResponderAction.Resume resume) {
			ConsumerLedgers owner = owner(resume.partition());
			if (owner != null && owner.coreCommits() != null) {
				owner.pauses().metadata(of(resume.partition()), false);
				wake.accept(owner);
			}
		}
	}

	private @Nullable ConsumerLedgers owner(Partition partition) {
		return this.owners.get(of(partition));
	}

	private static TopicPartition of(Partition partition) {
		return new TopicPartition(partition.topic(), partition.number());
	}

}
