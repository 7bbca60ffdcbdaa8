package dev.requestreply.responder.core;

/**
 * One delivery of a request: the same record delivered again (after a rebalance) is another
 * delivery, with another id.
 *
 * @param id the delivery's id, unique for the core's life (the intake counts them)
 * @param partition its partition
 * @param offset its offset
 */
public record RequestRef(long id, Partition partition, long offset) {

	@Override
	public String toString() {
		return "#" + this.id + "@" + this.partition + ":" + this.offset;
	}

}
