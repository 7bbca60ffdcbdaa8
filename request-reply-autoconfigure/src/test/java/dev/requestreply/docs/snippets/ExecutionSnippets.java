package dev.requestreply.docs.snippets;

import dev.requestreply.ReplyHandler;

/**
 * A handler that says how its requests are executed: ordering, concurrency, handling time.
 */
class ExecutionSnippets {

	private final Warehouse warehouse;

	ExecutionSnippets(Warehouse warehouse) {
		this.warehouse = warehouse;
	}

	// tag::ordering[]
	@ReplyHandler(topics = "orders", ordering = ReplyHandler.Ordering.KEY, maxConcurrency = "128",
			maxHandlingTime = "15m")
	Receipt place(Order order) {
		return this.warehouse.reserve(order); // may take minutes: it runs on a handler thread
	}
	// end::ordering[]

	record Order(String sku, int quantity) {
	}

	record Receipt(String reservation) {
	}

	interface Warehouse {

		Receipt reserve(Order order);

	}

}
