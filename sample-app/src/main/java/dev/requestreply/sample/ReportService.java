package dev.requestreply.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.requestreply.ReplyHandler;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The responder of reports: a slow job ({@code pricing.report-time}, 25 s by default), which the
 * requester submits as a durable request, so that its outcome reaches the requester even when the
 * requester restarted meanwhile.
 */
@Service
public class ReportService {

	private static final BigDecimal RANGE = new BigDecimal("1.50");

	private final Duration reportTime;

	public ReportService(@Value("${pricing.report-time}") Duration reportTime) {
		this.reportTime = reportTime;
	}

	/**
	 * Answer after {@code pricing.report-time}, without holding the consumer thread: the reply is
	 * sent when the returned future completes.
	 */
	@ReplyHandler(topics = "${pricing.topics.report}")
	public CompletableFuture<Report> report(String symbol) {
		String normalized = symbol.strip().toUpperCase(Locale.ROOT);
		BigDecimal price = PricingService.priceOf(normalized);
		return CompletableFuture.supplyAsync(
				() -> new Report(normalized, price.subtract(RANGE), price.add(RANGE), 390),
				CompletableFuture.delayedExecutor(this.reportTime.toMillis(), TimeUnit.MILLISECONDS));
	}

}
