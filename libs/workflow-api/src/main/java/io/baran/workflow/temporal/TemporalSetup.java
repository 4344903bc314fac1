package io.baran.workflow.temporal;

import io.baran.workflow.SearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a namespace needs before Baran's workflows run in it: its search attributes (workflows set them on every
 * phase change, and a workflow task that sets an unknown one fails). Registering them needs operator rights on
 * the namespace, which the services do not hold: the one-shot {@code baran temporal setup} command
 * ({@link #register}) does it, and the orchestrator only {@linkplain #missing checks} at start.
 */
public final class TemporalSetup {

    private TemporalSetup() {}

    /** The names of Baran's search attributes: Keyword, then KeywordList. */
    public static List<String> attributeNames() {
        return java.util.stream.Stream.concat(
                        SearchAttributes.ALL.stream().map(SearchAttributeKey::getName),
                        SearchAttributes.KEYWORD_LISTS.stream().map(SearchAttributeKey::getName))
                .toList();
    }

    /** Baran's search attributes the namespace does not know yet, in their declared order. */
    public static List<String> missing(OperatorServiceStubs operator, String namespace) {
        Set<String> known = operator.blockingStub()
                .listSearchAttributes(ListSearchAttributesRequest.newBuilder()
                        .setNamespace(namespace)
                        .build())
                .getCustomAttributesMap()
                .keySet();
        return attributeNames().stream().filter(name -> !known.contains(name)).toList();
    }

    /** Registers the missing attributes with their types; returns the ones it registered (none when all were there). */
    public static List<String> register(OperatorServiceStubs operator, String namespace) {
        List<String> missing = missing(operator, namespace);
        if (!missing.isEmpty()) {
            Map<String, IndexedValueType> add = new LinkedHashMap<>();
            List<String> lists = SearchAttributes.KEYWORD_LISTS.stream()
                    .map(SearchAttributeKey::getName)
                    .toList();
            missing.forEach(name -> add.put(
                    name,
                    lists.contains(name)
                            ? IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST
                            : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
            operator.blockingStub()
                    .addSearchAttributes(AddSearchAttributesRequest.newBuilder()
                            .setNamespace(namespace)
                            .putAllSearchAttributes(add)
                            .build());
        }
        return missing;
    }

    /**
     * Waits until the namespace answers a query by every one of {@code names}: a server reads new search attributes
     * from a cache (up to a minute old on a Temporal cluster; the local stack's dev server reads its cache too), and a
     * start that sets one it does not know yet is refused. Returns at once when {@code names} is empty.
     *
     * @return true once they are usable, false when {@code timeout} passed first
     */
    public static boolean awaitUsable(
            WorkflowServiceStubs workflows, String namespace, List<String> names, Duration timeout)
            throws InterruptedException {
        if (names.isEmpty()) {
            return true;
        }
        String query = String.join(
                " AND ",
                names.stream().map(name -> name + " = 'baran-setup-probe'").toList());
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long pause = 100; ; pause = Math.min(pause * 2, 2_000)) {
            try {
                workflows
                        .blockingStub()
                        .listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
                                .setNamespace(namespace)
                                .setPageSize(1)
                                .setQuery(query)
                                .build());
                return true;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
                    throw e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
        }
    }
}
