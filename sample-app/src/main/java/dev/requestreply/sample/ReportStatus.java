package dev.requestreply.sample;

import org.jspecify.annotations.Nullable;

/**
 * Where a report stands, as {@code GET /reports/{id}} shows it.
 *
 * @param id the id of its durable request
 * @param status {@code PENDING} until its outcome arrived, then {@code DONE}, {@code FAILED},
 * {@code TIMED_OUT} or {@code CANCELLED}
 * @param report the report when {@code DONE}
 * @param error why it failed, when {@code FAILED}
 */
public record ReportStatus(String id, String status, @Nullable Report report, @Nullable String error) {

	static ReportStatus pending(String id) {
		return new ReportStatus(id, "PENDING", null, null);
	}

}
