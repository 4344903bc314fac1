package io.baran.workflow.temporal;

import io.baran.workflow.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
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
}
