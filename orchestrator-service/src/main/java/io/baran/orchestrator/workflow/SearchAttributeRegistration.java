package io.baran.orchestrator.workflow;

import io.baran.workflow.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes sure the namespace knows Baran's search attributes. Workflows set them on every phase change,
 * and a workflow task that sets an unknown attribute fails, so they must exist before the first one runs.
 */
final class SearchAttributeRegistration {

    private static final Logger LOG = Logger.getLogger(SearchAttributeRegistration.class);

    private SearchAttributeRegistration() {
    }

    /** Every attribute Baran sets, Keyword and KeywordList. */
    static List<SearchAttributeKey<?>> every() {
        List<SearchAttributeKey<?>> all = new ArrayList<>(SearchAttributes.ALL);
        all.addAll(SearchAttributes.KEYWORD_LISTS);
        return all;
    }

    static void ensure(WorkflowClient client) {
        String namespace = client.getOptions().getNamespace();
        OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(OperatorServiceStubsOptions.newBuilder()
                .setChannel(client.getWorkflowServiceStubs().getRawChannel()).validateAndBuildWithDefaults());
        try {
            Set<String> known = operator.blockingStub().listSearchAttributes(ListSearchAttributesRequest.newBuilder()
                    .setNamespace(namespace).build()).getCustomAttributesMap().keySet();
            Map<String, IndexedValueType> missing = new HashMap<>();
            for (SearchAttributeKey<?> key : every()) {
                if (!known.contains(key.getName())) {
                    missing.put(key.getName(), key.getValueType());
                }
            }
            if (!missing.isEmpty()) {
                operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
                        .setNamespace(namespace).putAllSearchAttributes(missing).build());
                LOG.infof("registered search attributes %s in namespace %s", missing.keySet(), namespace);
            }
        } catch (RuntimeException e) {
            LOG.errorf("cannot check or register the search attributes %s in namespace %s (%s); register them as Keyword "
                    + "(temporal operator search-attribute create) or executions will not start, and %s as KeywordList or "
                    + "recoveries are routed through the runbook catalog only", SearchAttributes.ALL.stream()
                    .map(SearchAttributeKey::getName).toList(), namespace, e.getMessage(), SearchAttributes.KEYWORD_LISTS.stream()
                    .map(SearchAttributeKey::getName).toList());
        } finally {
            operator.shutdown();
        }
    }
}
