package dev.requestreply.docs.snippets;

record QuoteRequest(String symbol) {
}
