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

import java.util.HashMap;
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

    static void ensure(WorkflowClient client) {
        String namespace = client.getOptions().getNamespace();
        OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(OperatorServiceStubsOptions.newBuilder()
                .setChannel(client.getWorkflowServiceStubs().getRawChannel()).validateAndBuildWithDefaults());
        try {
            Set<String> known = operator.blockingStub().listSearchAttributes(ListSearchAttributesRequest.newBuilder()
                    .setNamespace(namespace).build()).getCustomAttributesMap().keySet();
            Map<String, IndexedValueType> missing = new HashMap<>();
            for (SearchAttributeKey<String> key : SearchAttributes.ALL) {
                if (!known.contains(key.getName())) {
                    missing.put(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
                }
            }
            if (!missing.isEmpty()) {
                operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
                        .setNamespace(namespace).putAllSearchAttributes(missing).build());
                LOG.infof("registered search attributes %s in namespace %s", missing.keySet(), namespace);
            }
        } catch (RuntimeException e) {
            LOG.errorf("cannot check or register the search attributes %s in namespace %s (%s); register them as Keyword "
                    + "(temporal operator search-attribute create) or executions will not start", SearchAttributes.ALL.stream()
                    .map(SearchAttributeKey::getName).toList(), namespace, e.getMessage());
        } finally {
            operator.shutdown();
        }
    }
}
