package io.baran.workflow;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/** Search attributes every execution carries, so the Temporal UI and list queries can filter on them. */
public final class SearchAttributes {
    public static final SearchAttributeKey<String> RUNBOOK = SearchAttributeKey.forKeyword("BaranRunbook");
    public static final SearchAttributeKey<String> SERVICE = SearchAttributeKey.forKeyword("BaranService");
    public static final SearchAttributeKey<String> MODE = SearchAttributeKey.forKeyword("BaranMode");
    public static final SearchAttributeKey<String> PHASE = SearchAttributeKey.forKeyword("BaranPhase");
    /**
     * Every outage an execution answers: the incident it was started for and each incident that joined it since.
     * A recovery is routed by it ({@code BaranIncidents = '<incident>'}), not through the runbook catalog, so an
     * execution whose runbook was deleted or retargeted meanwhile still hears of its recovery.
     */
    public static final SearchAttributeKey<List<String>> INCIDENTS =
            SearchAttributeKey.forKeywordList("BaranIncidents");

    /** The Keyword attributes. */
    public static final List<SearchAttributeKey<String>> ALL = List.of(RUNBOOK, SERVICE, MODE, PHASE);
    /** The KeywordList attributes. */
    public static final List<SearchAttributeKey<List<String>>> KEYWORD_LISTS = List.of(INCIDENTS);

    private SearchAttributes() {}
}
