package dev.requestreply;

import java.time.Duration;

/**
 * A snapshot of a request still waiting for its reply: identifiers and times only, never its
 * payload, key or headers.
 *
 * @param correlationId the correlation id
 * @param topic the topic the request was sent to
 * @param age how long ago it was sent
 * @param timeLeft how long until it times out (zero or negative when overdue)
 * @since 0.1.0
 */
public record PendingRequestInfo(CorrelationId correlationId, String topic, Duration age, Duration timeLeft) {

}
