package io.baran.workflow;

import io.temporal.common.SearchAttributeKey;

/** Search attributes every execution carries, so the Temporal UI and list queries can filter on them. */
public final class SearchAttributes {
    public static final SearchAttributeKey<String> RUNBOOK = SearchAttributeKey.forKeyword("BaranRunbook");
    public static final SearchAttributeKey<String> SERVICE = SearchAttributeKey.forKeyword("BaranService");
    public static final SearchAttributeKey<String> MODE = SearchAttributeKey.forKeyword("BaranMode");
    public static final SearchAttributeKey<String> PHASE = SearchAttributeKey.forKeyword("BaranPhase");

    public static final java.util.List<SearchAttributeKey<String>> ALL = java.util.List.of(RUNBOOK, SERVICE, MODE, PHASE);

    private SearchAttributes() {
    }
}
