package dev.requestreply.test.docs;

import java.math.BigDecimal;

record Quote(String symbol, BigDecimal price, String currency) {
}
